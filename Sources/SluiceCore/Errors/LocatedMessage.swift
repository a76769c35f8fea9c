/// `file:line:column: error: message` and an indented hint: how every spec error prints
/// (suites, pipelines, streams).
package func locatedErrorText(file: String?, line: Int, column: Int, message: String, hint: String?) -> String {
    var location = ""
    if let file {
        location = file
        if line > 0 { location += ":\(line)" + (column > 0 ? ":\(column)" : "") }
        location += ": "
    }
    return "\(location)error: \(message)" + (hint.map { "\n  hint: \($0)" } ?? "")
}

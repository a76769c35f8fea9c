import ArgumentParser
import SluiceCore

/// Checks that `value`, given for `option`, is one of `names`; else throws the one usage
/// error for a choice: `--mode must be one of append, replace, not 'apend' (did you mean
/// 'append'?)`. `ignoringCase` compares `value` lower-cased (the names are lower case).
///
/// ```swift
/// try requireChoice(mode, among: LoadMode.allCases.map(\.rawValue), for: "--mode")
/// ```
func requireChoice(_ value: String, among names: [String], for option: String, ignoringCase: Bool = false) throws {
    guard !names.contains(ignoringCase ? value.lowercased() : value) else { return }
    throw ValidationError("\(option) must be one of \(names.joined(separator: ", ")), not '\(value)'"
                          + (suggestion(for: value, among: names).map { " (did you mean '\($0)'?)" } ?? ""))
}

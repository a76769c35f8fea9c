import SluiceCore
import SluiceFormats

extension RunVariables {
    /// Renders a file path template (`out/{{ params.name }}.csv`), refusing values that
    /// would take it somewhere its author did not write.
    ///
    /// A value substituted into a path may hold subdirectories (`2024/01`) but no `..`
    /// component, and may not start the path with `/`, unless ``allowsOutsidePaths`` is
    /// set (`sluice run --allow-outside-paths`). A NUL byte anywhere is an error.
    ///
    /// ```swift
    /// try variables.renderPath("out/{{ params.name }}.csv")   // params.name = "../../x" throws
    /// ```
    /// - Throws: ``PipelineError`` `.invalidRequest` naming the value and the path.
    public func renderPath(_ template: String) throws -> String {
        let path = try Self.substitute(template) { name, before in
            let value = try render("{{ \(name) }}")
            if !allowsOutsidePaths {
                let climbs = value.split(separator: "/", omittingEmptySubsequences: false).contains("..")
                if climbs || (before.isEmpty && value.hasPrefix("/")) {
                    throw PipelineError(.invalidRequest,
                                        message: "\(name) = \"\(value)\" would take the path \"\(template)\" outside the pipeline's directory",
                                        hint: "give a value without `..` or a leading `/`, or run with --allow-outside-paths if that is intended")
                }
            }
            return value
        }
        if path.utf8.contains(0) {
            throw PipelineError(.invalidRequest, message: "the path \"\(template)\" contains a NUL byte (\\0) once rendered",
                                hint: "remove the \\0 from the path or from the value templated into it")
        }
        return path
    }
}

import SluiceFormats

extension StreamSpec {
    /// Reads and parses the stream spec at `path`, with relative file paths (input,
    /// outputs, dead letter) resolved against the spec's own directory — the one path rule
    /// of every Sluice spec — so the spec works from any working directory.
    ///
    /// ```swift
    /// let spec = try StreamSpec(contentsOfFile: "examples/user_events/spec.yaml", environment: env)
    /// // input: { file: data/events.jsonl }  →  examples/user_events/data/events.jsonl
    /// ```
    ///
    /// - Throws: ``FormatError`` when the file cannot be read; ``StreamError`` as
    ///   ``init(yaml:file:environment:)``.
    public init(contentsOfFile path: String, environment: [String: String] = [:]) throws {
        let text = String(decoding: try FileByteSource.readAll(path: path), as: UTF8.self)
        self = try StreamSpec(yaml: text, file: path, environment: environment)
        let directory = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        guard !directory.isEmpty else { return }
        func resolved(_ endpoint: Endpoint) -> Endpoint {
            guard case .file(let file) = endpoint, file != "-", !file.hasPrefix("/") else { return endpoint }
            return .file(path: directory + file)
        }
        input = resolved(input)
        output = resolved(output)
        outputs = outputs.map { ($0.name, resolved($0.endpoint)) }
        deadLetter = resolved(deadLetter)
    }
}

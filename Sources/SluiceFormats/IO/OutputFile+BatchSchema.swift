import SluiceCore

extension OutputFile {
    /// The check every table writer makes on each batch: the first batch's schema is
    /// kept in `first`, and a later batch must have the same one.
    ///
    /// - Returns: `true` for the first batch (the writer then writes its header).
    /// - Throws: ``FormatError`` `.invalidOption` naming this file and both schemas.
    func admitBatch(_ schema: Schema, first: inout Schema?) throws -> Bool {
        guard let first else {
            first = schema
            return true
        }
        guard first == schema else {
            throw FormatError(.invalidOption, file: path, message: "batch has schema (\(schema)), earlier batches had (\(first))")
        }
        return false
    }
}

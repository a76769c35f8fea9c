import SluiceCore

extension Table {
    /// The first `size` rows of `pending` (all of it when it has no more), leaving the
    /// rest in `pending` (`nil` once it is taken whole): how a reader that decodes a
    /// stored batch or row group at once hands it out `batchSize` rows at a time.
    /// Slices share the decoded buffers; nothing is copied.
    static func takeBatch(of size: Int, from pending: inout Table?) -> Table {
        let table = pending!
        guard table.rowCount > size else {
            pending = nil
            return table
        }
        pending = table.slice(size..<table.rowCount)
        return table.slice(0..<size)
    }
}

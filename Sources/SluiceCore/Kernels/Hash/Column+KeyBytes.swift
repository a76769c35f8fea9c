extension Column {
    /// Appends the key bytes of row `row`'s value (which must not be null) to `key`:
    /// equal values give equal bytes and, within one column type, unequal values give
    /// unequal bytes, so that the key of several columns is their bytes one after the
    /// other (a string is prefixed by its length). Doubles compare as SQL does: `-0.0`
    /// is `0.0`, and every NaN is one key. For ``BytesHashMap`` keys of whole rows.
    ///
    /// ```swift
    /// var key: [UInt8] = []
    /// for column in keyColumns { column.appendKeyBytes(row: 7, to: &key) }
    /// let (entry, isNew) = key.withUnsafeBufferPointer { rows.insert($0) }
    /// ```
    package func appendKeyBytes(row: Int, to key: inout [UInt8]) {
        func append<T: BitwiseCopyable>(_ value: T) {
            withUnsafeBytes(of: value) { key.append(contentsOf: $0) }
        }
        withExtendedLifetime(self) {
            switch type {
            case .int64, .timestamp: append(unsafeValuesAddress(as: Int64.self)[row])
            case .date: append(unsafeValuesAddress(as: Int32.self)[row])
            case .bool: key.append(unsafeValuesAddress(as: UInt8.self)[row] != 0 ? 1 : 0)
            case .float64: append(KeyHash.key(unsafeValuesAddress(as: Double.self)[row]))
            case .decimal: append(unsafeValuesAddress(as: Int128.self)[row])
            case .string, .binary:
                let bytes = unsafeStrings()[row]
                append(UInt32(truncatingIfNeeded: bytes.count))
                key.append(contentsOf: bytes)
            }
        }
    }
}

extension Column {
    /// A new column whose row `i` is row `rows[i]` of this column, or null where
    /// `rows[i]` is negative. One typed loop per column: the kernel behind filter,
    /// sort, join and dedupe. Consecutive rows (all of them, or a range) give a slice
    /// that shares this column's buffers.
    ///
    /// ```swift
    /// Column(int64: [10, 20, 30]).gathering([2, -1, 0])   // [30, null, 10]
    /// ```
    public func gathering(_ rows: [Int]) -> Column {
        rows.withUnsafeBufferPointer { gathering($0) }
    }

    /// ``gathering(_:)-([Int])`` over a buffer of row indices.
    package func gathering(_ rows: UnsafeBufferPointer<Int>) -> Column {
        let n = rows.count
        // Consecutive rows (all of them, or a range): a slice shares the buffers instead
        // of copying them into fresh memory, whose page faults cost more than the copy.
        if n > 0, let first = rows.first, first >= 0, first <= count - n, rows[n - 1] == first + n - 1,
           !rows.indices.contains(where: { rows[$0] != first + $0 }) {
            return n == count ? self : slice(first..<first + n)
        }
        var validity: Bitmap?
        var anyNull = false
        if self.validity != nil || rows.contains(where: { $0 < 0 }) {
            var bits = Bitmap(count: n, allValid: false)
            bits._words.withUnsafeMutableBufferPointer { words in
                if let source = self.validity {
                    for i in 0..<n {
                        let r = rows[i]
                        if r >= 0 && source.isValid(r) { words[i >> 6] |= 1 << UInt64(i & 63) } else { anyNull = true }
                    }
                } else {
                    for i in 0..<n {
                        if rows[i] >= 0 { words[i >> 6] |= 1 << UInt64(i & 63) } else { anyNull = true }
                    }
                }
            }
            if anyNull { validity = bits }
        }
        switch type {
        case .string, .binary:
            let view = unsafeStrings()
            return withExtendedLifetime(self) {
                var total = 0
                for r in rows where r >= 0 { total &+= Int(view.offsets[r + 1] - view.offsets[r]) }
                let offsets = RawBuffer(capacity: (n + 1) * 8)
                let bytes = RawBuffer(capacity: Swift.max(total, 1))
                let o = offsets.mutablePointer.assumingMemoryBound(to: Int64.self)
                let b = bytes.mutablePointer.assumingMemoryBound(to: UInt8.self)
                var position = 0
                o[0] = 0
                for i in 0..<n {
                    let r = rows[i]
                    if r >= 0 {
                        let lower = Int(view.offsets[r]), length = Int(view.offsets[r + 1]) - lower
                        if length > 0 { (b + position).update(from: view.bytes + lower, count: length) }
                        position &+= length
                    }
                    o[i + 1] = Int64(position)
                }
                offsets.count = (n + 1) * 8
                bytes.count = position
                return Column(offsets: offsets, bytes: bytes, count: n, validity: validity, type: type)
            }
        case .bool: return gatherFixed(UInt8.self, rows, validity)
        case .date: return gatherFixed(Int32.self, rows, validity)
        case .int64, .timestamp: return gatherFixed(Int64.self, rows, validity)
        case .float64: return gatherFixed(Double.self, rows, validity)
        case .decimal: return gatherFixed(Int128.self, rows, validity)
        }
    }

    private func gatherFixed<T: BitwiseCopyable & Numeric>(_: T.Type, _ rows: UnsafeBufferPointer<Int>, _ validity: Bitmap?) -> Column {
        let n = rows.count
        let buffer = RawBuffer(capacity: Swift.max(n, 1) * MemoryLayout<T>.stride)
        let out = buffer.mutablePointer.assumingMemoryBound(to: T.self)
        withUnsafeValues(as: T.self) { source in
            if let validity {
                for i in 0..<n { let r = rows[i]; out[i] = r >= 0 && validity.isValid(i) ? source[r] : 0 }
            } else {
                for i in 0..<n { out[i] = source[rows[i]] }
            }
        }
        buffer.count = n * MemoryLayout<T>.stride
        return Column(type: type, values: buffer, count: n, validity: validity)
    }
}

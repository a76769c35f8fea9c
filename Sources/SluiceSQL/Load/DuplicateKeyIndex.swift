import SluiceCore

/// The keys a keyed load has seen, each with the 1-based input row where it first
/// appeared, so that a row repeating an earlier row's key is found as the batches
/// stream by (memory: one entry per distinct key, not per row).
///
/// A single integer-like key column (int64, date, timestamp, bool) is kept as 64-bit
/// integers; other keys are encoded to bytes (a null flag, then the value) per row.
/// A key with a null part is never a duplicate, as in SQL (`NULL <> NULL`); the
/// destination's own NOT NULL constraint judges it.
final class DuplicateKeyIndex {
    /// One repeated key: the key as `col=value` text and the rows it is on.
    struct Example: Equatable {
        var key: String
        var firstRow: Int
        var repeatRow: Int
    }

    let keyColumns: [Int]
    let keyNames: [String]
    /// Rows whose key repeats an earlier row's.
    private(set) var duplicateRows = 0
    /// The first few repeats, in input order.
    private(set) var examples: [Example] = []
    static let exampleLimit = 5

    /// Input rows an earlier row of the same key supersedes under `last` (1-based, ascending
    /// per key): every occurrence of a key but its last.
    private(set) var supersededRows: [Int] = []

    // Open addressing; slot = entry index + 1, 0 = empty. Raw buffers: no exclusivity or
    // bounds checks per row on the hot path (a class's array properties would have both).
    private var slots: UnsafeMutablePointer<Int32>
    private var slotHashes: UnsafeMutablePointer<UInt64>
    private var capacity: Int
    private var mask: Int
    private var entries = 0
    private var entryCapacity = 0
    private var firstRows: UnsafeMutablePointer<Int>
    private var lastRows: UnsafeMutablePointer<Int>
    // Integer keys.
    private var integers: UnsafeMutablePointer<Int64>
    // Byte keys.
    private var starts: [Int] = [0]
    private var arena: [UInt8] = []
    private var scratch: [UInt8] = []
    private let isInteger: Bool

    init(keyColumns: [Int], schema: Schema) {
        self.keyColumns = keyColumns
        keyNames = keyColumns.map { schema.fields[$0].name }
        isInteger = keyColumns.count == 1 && [.int64, .date, .timestamp, .bool].contains(schema.fields[keyColumns[0]].type)
        capacity = 1 << 16
        mask = capacity - 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: 0, count: capacity)
        slotHashes = .allocate(capacity: capacity)
        entryCapacity = capacity / 2
        firstRows = .allocate(capacity: entryCapacity)
        lastRows = .allocate(capacity: entryCapacity)
        integers = .allocate(capacity: entryCapacity)
    }

    deinit {
        slots.deallocate(); slotHashes.deallocate(); firstRows.deallocate(); lastRows.deallocate(); integers.deallocate()
    }

    /// Records the keys of `batch`, whose first row is input row `rowsBefore + 1`.
    /// - Returns: The batch rows (0-based) whose key appeared on an earlier row, in order.
    func record(_ batch: Table, rowsBefore: Int) -> [Int] {
        var repeats: [Int] = []
        let columns = keyColumns.map { batch.columns[$0] }
        if isInteger {
            let column = columns[0]
            func each<T: BitwiseCopyable>(_: T.Type, _ key: (T) -> Int64) {
                let values = column.unsafeValuesAddress(as: T.self)
                let noNulls = column.nullCount == 0
                for row in 0..<column.count where noNulls || !column.isNull(row) {
                    if let first = insert(integer: key(values[row]), row: rowsBefore + row + 1) {
                        noteRepeat(row, first: first, rowsBefore: rowsBefore, columns: columns, into: &repeats)
                    }
                }
            }
            switch column.type {
            case .date: each(Int32.self) { Int64($0) }
            case .bool: each(UInt8.self) { Int64($0) }
            default: each(Int64.self) { $0 }
            }
            return repeats
        }
        rows: for row in 0..<batch.rowCount {
            scratch.removeAll(keepingCapacity: true)
            for column in columns {
                if column.isNull(row) { continue rows }
                encode(column, row)
            }
            if let first = insertScratch(row: rowsBefore + row + 1) {
                noteRepeat(row, first: first, rowsBefore: rowsBefore, columns: columns, into: &repeats)
            }
        }
        return repeats
    }

    private func noteRepeat(_ row: Int, first: Int, rowsBefore: Int, columns: [Column], into repeats: inout [Int]) {
        repeats.append(row)
        duplicateRows += 1
        guard examples.count < Self.exampleLimit else { return }
        let key = zip(keyNames, columns).map { name, column in "\(name)=\(column.unsafeValue(at: row))" }.joined(separator: ", ")
        examples.append(Example(key: key, firstRow: first, repeatRow: rowsBefore + row + 1))
    }

    private func encode(_ column: Column, _ row: Int) {
        func append<T: BitwiseCopyable>(_: T.Type, _ value: T) {
            withUnsafeBytes(of: value) { scratch.append(contentsOf: $0) }
        }
        switch column.type {
        case .int64, .timestamp: append(Int64.self, column.unsafeValuesAddress(as: Int64.self)[row])
        case .date: append(Int32.self, column.unsafeValuesAddress(as: Int32.self)[row])
        case .bool: scratch.append(column.unsafeValuesAddress(as: UInt8.self)[row] != 0 ? 1 : 0)
        case .float64:
            // -0.0 and 0.0 are one key, as are all NaNs (as SQL compares them).
            let v = column.unsafeValuesAddress(as: Double.self)[row]
            append(UInt64.self, v == 0 ? 0 : v.isNaN ? Double.nan.bitPattern : v.bitPattern)
        case .decimal:
            append(Int128.self, column.unsafeValuesAddress(as: Int128.self)[row])
        case .string, .binary:
            let strings = column.unsafeStrings()
            let lower = Int(strings.offsets[row]), upper = Int(strings.offsets[row + 1])
            append(UInt32.self, UInt32(upper - lower))
            scratch.append(contentsOf: UnsafeBufferPointer(start: strings.bytes + lower, count: upper - lower))
        }
    }

    @inline(__always) private static func hash(_ value: UInt64) -> UInt64 {
        var z = value &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 29)) &* 0xBF58_476D_1CE4_E5B9
        return z ^ (z >> 32)
    }

    /// Inserts an integer key; returns the first row of an earlier equal key.
    @inline(__always) private func insert(integer key: Int64, row: Int) -> Int? {
        let hash = Self.hash(UInt64(bitPattern: key))
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 {
                integers[entries] = key
                return add(at: i, hash: hash, row: row)
            }
            if integers[slot - 1] == key { return repeated(entry: slot - 1, row: row) }
            i = (i + 1) & mask
        }
    }

    /// A repeat of `entry` on `row`: its previous last row is superseded (under `last`).
    @inline(__always) private func repeated(entry: Int, row: Int) -> Int {
        supersededRows.append(lastRows[entry])
        lastRows[entry] = row
        return firstRows[entry]
    }

    private func insertScratch(row: Int) -> Int? {
        var hash: UInt64 = 0x243F_6A88_85A3_08D3 ^ UInt64(scratch.count)
        scratch.withUnsafeBytes { bytes in
            var i = 0
            while i + 8 <= bytes.count {
                hash = Self.hash(hash ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                i += 8
            }
            var tail: UInt64 = 0
            while i < bytes.count { tail = tail << 8 | UInt64(bytes[i]); i += 1 }
            hash = Self.hash(hash ^ tail)
        }
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = Int(slots[i])
            if slot == 0 {
                arena.append(contentsOf: scratch)
                starts.append(arena.count)
                return add(at: i, hash: hash, row: row)
            }
            if slotHashes[i] == hash, arena[starts[slot - 1]..<starts[slot]].elementsEqual(scratch) { return repeated(entry: slot - 1, row: row) }
            i = (i + 1) & mask
        }
    }

    private func add(at slot: Int, hash: UInt64, row: Int) -> Int? {
        firstRows[entries] = row
        lastRows[entries] = row
        entries += 1
        slots[slot] = Int32(entries)
        slotHashes[slot] = hash
        if entries * 2 > capacity { grow() }
        return nil
    }

    private func grow() {
        let newCapacity = capacity * 2
        let newSlots = UnsafeMutablePointer<Int32>.allocate(capacity: newCapacity)
        newSlots.initialize(repeating: 0, count: newCapacity)
        let newHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: newCapacity)
        let newMask = newCapacity - 1
        for j in 0..<capacity where slots[j] != 0 {
            var i = Int(truncatingIfNeeded: slotHashes[j]) & newMask
            while newSlots[i] != 0 { i = (i + 1) & newMask }
            newSlots[i] = slots[j]
            newHashes[i] = slotHashes[j]
        }
        slots.deallocate(); slotHashes.deallocate()
        slots = newSlots; slotHashes = newHashes
        capacity = newCapacity; mask = newMask
        func grown<T>(_ old: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<T> {
            let new = UnsafeMutablePointer<T>.allocate(capacity: newCapacity / 2)
            new.moveInitialize(from: old, count: entries)
            old.deallocate()
            return new
        }
        firstRows = grown(firstRows); lastRows = grown(lastRows); integers = grown(integers)
        entryCapacity = newCapacity / 2
    }
}

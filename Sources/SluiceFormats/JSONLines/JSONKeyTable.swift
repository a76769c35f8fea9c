import SluiceCore

/// Maps object keys, as UTF-8 bytes, to column indices without creating a
/// `String` per lookup: the shared ``BytesHashMap`` (its entries are the columns),
/// plus a guess that a line's keys come in the order of the previous line's.
/// A class: its one owner (a decoder) inserts; the map is never copied.
package final class JSONKeyTable {
    /// Key names in column order.
    package private(set) var names: [String] = []
    private let keys = BytesHashMap()

    package var count: Int { names.count }

    /// The column of the key `p[0..<n]`, trying `guess` first.
    @inline(__always)
    package func index(of p: UnsafePointer<UInt8>, _ n: Int, guess: Int) -> Int? {
        let key = UnsafeBufferPointer(start: p, count: n)
        if guess < names.count && keys.withBytes(at: guess, { KeyHash.equal($0, key) }) { return guess }
        return keys.entry(of: key)
    }

    /// Adds a key that is not yet present; returns its column.
    package func insert(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        let key = UnsafeBufferPointer(start: p, count: n)
        let (index, inserted) = keys.insert(key)
        precondition(inserted, "key \(String(decoding: key, as: UTF8.self)) is already in the table")
        names.append(String(decoding: key, as: UTF8.self))
        return index
    }
}

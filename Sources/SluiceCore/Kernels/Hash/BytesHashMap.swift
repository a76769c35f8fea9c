#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open-addressing hash map from byte strings (variable-length keys: strings,
/// encoded multi-column keys) to dense entry numbers (0, 1, 2… in order of first
/// insertion), owning one copy of each distinct key in a contiguous arena. Used as a
/// set too: ``insert(_:)`` says whether the key was new.
///
/// No per-key allocation: keys are appended to one arena with an offsets array, and
/// found through a ``HashIndex`` (full hashes in the slots, ``KeyHash`` family).
/// The empty string is a key like any other.
///
/// ```swift
/// let names = BytesHashMap()
/// "ada".utf8.withContiguousStorageIfAvailable { names.insert($0) }   // (0, true)
/// names.string(at: 0)                                                // "ada"
/// ```
///
/// `@unchecked Sendable`: one owner writes while building; afterwards it is shared
/// read-only (no lock: nothing writes once it is shared).
public final class BytesHashMap: @unchecked Sendable {
    @usableFromInline let index: HashIndex
    @usableFromInline let arena = RawBuffer()
    /// Entry `e` spans `starts[e]..<starts[e + 1]` of the arena.
    @usableFromInline @exclusivity(unchecked) var starts: UnsafeMutablePointer<Int>
    @usableFromInline @exclusivity(unchecked) var startCapacity: Int

    /// Number of entries (distinct keys).
    @inlinable package var count: Int { index.count }
    /// Bytes held by all keys together.
    package var byteCount: Int { arena.count }

    /// A map sized for about `expected` keys without growing.
    package init(expected: Int = 16) {
        index = HashIndex(expected: expected)
        startCapacity = Swift.max(expected, 16) + 1
        starts = .allocate(capacity: startCapacity)
        starts[0] = 0
    }

    deinit { starts.deallocate() }

    @inlinable @inline(__always)
    func equals(_ entry: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = starts[entry], end = starts[entry &+ 1]
        guard end &- start == bytes.count else { return false }
        return bytes.count == 0 || memcmp(arena.pointer + start, bytes.baseAddress!, bytes.count) == 0
    }

    /// The entry of `bytes`, adding a copy (as entry ``count``) when it is new.
    @inlinable @inline(__always) @discardableResult
    package func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> (entry: Int, inserted: Bool) {
        let result = index.findOrInsert(hash: KeyHash.hash(bytes)) { equals($0, bytes) }
        if result.inserted { append(bytes) }
        return result
    }

    /// The entry of `bytes`, or `nil` when it is not in the map.
    @inlinable @inline(__always)
    package func entry(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        index.find(hash: KeyHash.hash(bytes)) { equals($0, bytes) }
    }

    /// Whether `bytes` is in the map.
    @inlinable @inline(__always)
    package func contains(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { entry(of: bytes) != nil }

    /// Calls `body` with the bytes of `entry` (valid only inside `body`).
    @inlinable package func withBytes<R>(at entry: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        precondition(entry >= 0 && entry < count, "entry \(entry) out of 0..<\(count)")
        let start = starts[entry]
        return try body(UnsafeBufferPointer(start: arena.pointer.assumingMemoryBound(to: UInt8.self) + start, count: starts[entry + 1] - start))
    }

    /// A copy of the bytes of `entry`.
    package func bytes(at entry: Int) -> [UInt8] { withBytes(at: entry) { Array($0) } }

    /// The bytes of `entry` decoded as UTF-8 (allocates: not for hot loops).
    package func string(at entry: Int) -> String { withBytes(at: entry) { String(decoding: $0, as: UTF8.self) } }

    @usableFromInline @inline(never) func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        if let base = bytes.baseAddress, bytes.count > 0 { arena.append(UnsafeRawPointer(base), byteCount: bytes.count) }
        let entries = index.count
        if entries + 1 > startCapacity {
            let capacity = startCapacity * 2
            let grown = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
            grown.moveInitialize(from: starts, count: entries)
            starts.deallocate()
            starts = grown
            startCapacity = capacity
        }
        starts[entries] = arena.count
    }
}

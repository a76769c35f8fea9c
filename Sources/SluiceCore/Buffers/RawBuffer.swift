import CSluiceSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable, contiguous block of raw memory: the storage behind every column.
///
/// A builder owns a `RawBuffer` while it appends; once a ``Column`` wraps it the
/// buffer is never written again, which is what makes sharing it between threads
/// safe (`@unchecked Sendable`: immutability after hand-off, not a lock, is the
/// guarantee).
///
/// Large buffers (≥ 1 MiB) are anonymous mappings: they grow with `mremap`
/// (no copy) and ask for transparent huge pages, because page faults dominate
/// the cost of filling fresh memory on the machines we measured.
///
/// Its fields opt out of dynamic exclusivity checks (`@exclusivity(unchecked)`):
/// a buffer has one writer at a time by construction, and the checks cost more
/// than the append they guard.
@usableFromInline package final class RawBuffer: @unchecked Sendable {   // one writer at a time by construction (its owner); readers after it is built
    /// Start of the memory; valid until the next `reserve` that grows it.
    @usableFromInline @exclusivity(unchecked) var base: UnsafeMutableRawPointer
    /// Bytes allocated.
    @usableFromInline @exclusivity(unchecked) var capacity: Int
    /// Bytes in use; maintained by the owner.
    @usableFromInline @exclusivity(unchecked) package var count: Int
    @usableFromInline @exclusivity(unchecked) var isMapped: Bool

    @usableFromInline static let mapThreshold = 1 << 20
    @usableFromInline static let pageSize = 4096

    /// Creates an empty buffer with room for at least `capacity` bytes.
    @usableFromInline package init(capacity: Int = 0) {
        count = 0
        isMapped = false
        self.capacity = 0
        base = UnsafeMutableRawPointer(bitPattern: 16)!  // never dereferenced while capacity is 0
        if capacity > 0 { grow(toAtLeast: capacity) }
    }

    /// Creates an empty buffer of `heapCapacity` bytes taken from the C heap even when
    /// large. Memory that earlier work gave back to the heap is handed out again as it
    /// is — already faulted in, so nothing is zeroed — which suits results computed
    /// after big temporaries were freed (the `sluice` commands keep freed memory in the
    /// heap). Growing past `heapCapacity` moves the buffer to a mapping as usual.
    @usableFromInline package init(heapCapacity: Int) {
        count = 0
        isMapped = false
        capacity = 0
        base = UnsafeMutableRawPointer(bitPattern: 16)!  // never dereferenced while capacity is 0
        if heapCapacity > 0 {
            guard let memory = malloc(heapCapacity) else { fatalError("out of memory allocating \(heapCapacity) bytes") }
            base = memory
            capacity = heapCapacity
        }
    }

    deinit {
        release()
    }

    private func release() {
        guard capacity > 0 else { return }
        if isMapped {
            #if os(Linux)
            munmap(base, capacity)
            #endif
        } else {
            free(base)
        }
    }

    /// The memory as a read-only pointer.
    @inlinable package var pointer: UnsafeRawPointer { UnsafeRawPointer(base) }

    /// The memory as a writable pointer. Only the buffer's owner (a builder) writes.
    @inlinable package var mutablePointer: UnsafeMutableRawPointer { base }

    /// Makes room for at least `minimumCapacity` bytes, keeping the contents.
    @inlinable package func reserve(_ minimumCapacity: Int) {
        if minimumCapacity > capacity { grow(toAtLeast: minimumCapacity) }
    }

    /// Makes room for `extra` more bytes past `count`.
    @inlinable package func reserve(extra: Int) {
        if count &+ extra > capacity { grow(toAtLeast: count + extra) }
    }

    /// The slow path of `reserve`: at least doubles, so appends are amortised O(1).
    @usableFromInline @inline(never)
    func grow(toAtLeast minimumCapacity: Int) {
        var newCapacity = Swift.max(minimumCapacity, capacity &* 2, 64)
        #if os(Linux)
        if newCapacity >= RawBuffer.mapThreshold {
            newCapacity = (newCapacity + RawBuffer.pageSize - 1) & ~(RawBuffer.pageSize - 1)
            if isMapped {
                if let moved = sluice_mremap(base, capacity, newCapacity) {
                    base = moved
                } else {
                    let mapped = mmap(nil, newCapacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                    guard let mapped, mapped != MAP_FAILED else { fatalError("out of memory growing a buffer to \(newCapacity) bytes") }
                    mapped.copyMemory(from: base, byteCount: capacity)   // all of it: owners may track their own count
                    munmap(base, capacity)
                    base = mapped
                }
            } else {
                let mapped = mmap(nil, newCapacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                guard let mapped, mapped != MAP_FAILED else { fatalError("out of memory allocating \(newCapacity) bytes") }
                if capacity > 0 {
                    mapped.copyMemory(from: base, byteCount: capacity)   // all of it: owners may track their own count
                    free(base)
                }
                base = mapped
                isMapped = true
            }
            madvise(base, newCapacity, 14 /* MADV_HUGEPAGE */)
            capacity = newCapacity
            return
        }
        #endif
        let newBase: UnsafeMutableRawPointer?
        if capacity == 0 {
            newBase = malloc(newCapacity)
        } else {
            newBase = realloc(base, newCapacity)
        }
        guard let newBase else { fatalError("out of memory allocating \(newCapacity) bytes") }
        base = newBase
        capacity = newCapacity
    }

    /// Gives the memory from `byteOffset` to the end back to the system (the
    /// contents there become zero); for buffers reserved larger than they ended up.
    @usableFromInline package func releasePages(from byteOffset: Int) {
        #if os(Linux)
        guard isMapped else { return }
        let start = (byteOffset + RawBuffer.pageSize - 1) & ~(RawBuffer.pageSize - 1)
        if start < capacity { madvise(base + start, capacity - start, 4 /* MADV_DONTNEED */) }
        #endif
    }

    /// Appends `byteCount` bytes from `source`.
    @inlinable package func append(_ source: UnsafeRawPointer, byteCount: Int) {
        reserve(extra: byteCount)
        (base + count).copyMemory(from: source, byteCount: byteCount)
        count &+= byteCount
    }

    /// Appends one trivial value.
    @inlinable package func append<T: BitwiseCopyable>(_ value: T) {
        reserve(extra: MemoryLayout<T>.stride)
        (base + count).storeBytes(of: value, as: T.self)
        count &+= MemoryLayout<T>.stride
    }

    /// Reads the value at element index `index` (unchecked).
    @inlinable package func load<T: BitwiseCopyable>(at index: Int, as type: T.Type) -> T {
        (base + index &* MemoryLayout<T>.stride).loadUnaligned(as: T.self)
    }

    /// Empties the buffer, keeping its memory for reuse.
    @inlinable package func removeAll() { count = 0 }
}

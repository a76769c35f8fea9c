import SluiceCore

/// Words packed into one UTF-8 byte buffer plus offsets, for appending without
/// `String` work on the hot path.
struct WordList: Sendable {
    private let bytes: [UInt8]
    private let offsets: [Int]

    init(_ words: [String]) {
        var bytes: [UInt8] = []
        var offsets = [0]
        for word in words {
            bytes.append(contentsOf: word.utf8)
            offsets.append(bytes.count)
        }
        self.bytes = bytes
        self.offsets = offsets
    }

    var count: Int { offsets.count - 1 }

    /// Appends word `index`'s bytes.
    @inline(__always)
    func append(_ index: Int, to buffer: inout ByteWriter) {
        let start = offsets[index], end = offsets[index + 1]
        bytes.withUnsafeBufferPointer { all in
            buffer.put(all.baseAddress! + start, end - start)
        }
    }

    /// The longest word's length in bytes.
    var maximumLength: Int {
        zip(offsets, offsets.dropFirst()).map { $1 - $0 }.max() ?? 0
    }
}

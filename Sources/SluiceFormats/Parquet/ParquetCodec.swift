import CLZ4
import CSnappy
import CZlib
import CZstd
import SluiceCore

/// Page compression and decompression through the system libraries (snappy, zlib,
/// zstd, lz4), one switch per direction.
///
/// Decompression writes into a caller's buffer of the size the page header claims and
/// fails — never overruns — when the data is damaged or decompresses to another size.
enum ParquetCodec {
    /// Decompresses `source` into exactly `count` bytes at `destination`.
    ///
    /// - Throws: a message (`String` inside ``ThriftError``) saying what went wrong.
    static func decompress(_ codec: ParquetCompression, _ source: UnsafeRawBufferPointer,
                           into destination: UnsafeMutableRawPointer, count: Int) throws {
        let input = source.baseAddress ?? UnsafeRawPointer(destination)
        switch codec {
        case .uncompressed:
            guard source.count == count else { throw ThriftError("page holds \(source.count) bytes, its header says \(count)") }
            if count > 0 { destination.copyMemory(from: input, byteCount: count) }
        case .snappy:
            var length = 0
            guard snappy_uncompressed_length(input.assumingMemoryBound(to: CChar.self), source.count, &length) == SNAPPY_OK, length == count else {
                throw ThriftError("snappy data is damaged or decompresses to another size than the \(count) bytes the header says")
            }
            var written = count
            guard snappy_uncompress(input.assumingMemoryBound(to: CChar.self), source.count,
                                    destination.assumingMemoryBound(to: CChar.self), &written) == SNAPPY_OK, written == count else {
                throw ThriftError("snappy data is damaged")
            }
        case .zstd:
            let written = ZSTD_decompress(destination, count, input, source.count)
            guard ZSTD_isError(written) == 0, written == count else {
                let reason = ZSTD_isError(written) != 0 ? String(cString: ZSTD_getErrorName(written)) : "\(written) bytes"
                throw ThriftError("zstd data is damaged or of another size than the \(count) bytes the header says (\(reason))")
            }
        case .lz4Raw:
            guard source.count <= Int(Int32.max), count <= Int(Int32.max) else { throw ThriftError("lz4 page too large") }
            let written = LZ4_decompress_safe(input.assumingMemoryBound(to: CChar.self), destination.assumingMemoryBound(to: CChar.self),
                                              Int32(source.count), Int32(count))
            guard written == Int32(count) else { throw ThriftError("lz4_raw data is damaged or of another size than the \(count) bytes the header says") }
        case .gzip:
            try inflate(source, into: destination, count: count)
        default:
            throw ThriftError("compression \(codec) is not supported (Sluice reads none, snappy, gzip, zstd and lz4_raw)")
        }
    }

    private static func inflate(_ source: UnsafeRawBufferPointer, into destination: UnsafeMutableRawPointer, count: Int) throws {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw ThriftError("zlib could not start")
        }
        defer { inflateEnd(&stream) }
        stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(source.count)
        stream.next_out = destination.assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(count)
        while true {
            let status = CZlib.inflate(&stream, Z_FINISH)
            if status == Z_STREAM_END {
                // Concatenated gzip members: go on while input remains.
                if stream.avail_in > 0 && stream.avail_out > 0 { guard inflateReset(&stream) == Z_OK else { break }; continue }
                break
            }
            if status == Z_BUF_ERROR && stream.avail_out == 0 {
                throw ThriftError("gzip data decompresses to more than the \(count) bytes the header says")
            }
            guard status == Z_OK else { throw ThriftError("gzip data is damaged (zlib status \(status))") }
        }
        guard Int(stream.total_out) == count || stream.avail_out == 0 else {
            throw ThriftError("gzip data decompresses to \(stream.total_out) bytes, the header says \(count)")
        }
    }

    /// Compresses `source` into `output` (replacing its contents); returns the compressed size.
    static func compress(_ codec: ParquetCompression, _ source: UnsafeRawBufferPointer, into output: RawBuffer) throws -> Int {
        output.removeAll()
        let input = source.baseAddress ?? UnsafeRawPointer(output.pointer)
        switch codec {
        case .uncompressed:
            output.append(input, byteCount: source.count)
        case .snappy:
            var length = snappy_max_compressed_length(source.count)
            output.reserve(length)
            guard snappy_compress(input.assumingMemoryBound(to: CChar.self), source.count,
                                  output.mutablePointer.assumingMemoryBound(to: CChar.self), &length) == SNAPPY_OK else {
                throw ThriftError("snappy compression failed")
            }
            output.count = length
        case .zstd:
            let bound = ZSTD_compressBound(source.count)
            output.reserve(bound)
            let written = ZSTD_compress(output.mutablePointer, bound, input, source.count, 1)
            guard ZSTD_isError(written) == 0 else { throw ThriftError("zstd compression failed") }
            output.count = written
        case .lz4Raw:
            let bound = Int(LZ4_compressBound(Int32(source.count)))
            output.reserve(bound)
            let written = LZ4_compress_default(input.assumingMemoryBound(to: CChar.self), output.mutablePointer.assumingMemoryBound(to: CChar.self),
                                               Int32(source.count), Int32(bound))
            guard written > 0 || source.count == 0 else { throw ThriftError("lz4 compression failed") }
            output.count = Int(written)
        case .gzip:
            var stream = z_stream()
            guard deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
                throw ThriftError("zlib could not start")
            }
            defer { deflateEnd(&stream) }
            let bound = Int(deflateBound(&stream, uLong(source.count))) + 32
            output.reserve(bound)
            stream.next_in = UnsafeMutablePointer(mutating: input.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(source.count)
            stream.next_out = output.mutablePointer.assumingMemoryBound(to: Bytef.self)
            stream.avail_out = uInt(bound)
            guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { throw ThriftError("gzip compression failed") }
            output.count = Int(stream.total_out)
        default:
            throw ThriftError("compression \(codec) cannot be written (use none, snappy, gzip, zstd or lz4_raw)")
        }
        return output.count
    }
}

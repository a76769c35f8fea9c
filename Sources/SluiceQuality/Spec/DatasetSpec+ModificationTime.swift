#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DatasetSpec {
    /// When the dataset file was last modified, microseconds since the epoch (for
    /// `freshness_lag` without a column); `nil` for SQL datasets, standard input, or a file
    /// that cannot be read.
    public var modificationTime: Int64? {
        guard connection == nil, path != "-" else { return nil }
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        #if canImport(Darwin)
        return Int64(info.st_mtimespec.tv_sec) * 1_000_000 + Int64(info.st_mtimespec.tv_nsec) / 1_000
        #else
        return Int64(info.st_mtim.tv_sec) * 1_000_000 + Int64(info.st_mtim.tv_nsec) / 1_000
        #endif
    }
}

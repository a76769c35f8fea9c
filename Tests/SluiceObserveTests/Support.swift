import Foundation
import SluicePipeline

/// The repository root, found from this file's location.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The seed pipeline of examples/user_analytics.
func seedPipeline() throws -> Pipeline {
    try Pipeline.load(path: repositoryRoot.appendingPathComponent("examples/user_analytics/pipeline.yaml").path)
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sluice-observe-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

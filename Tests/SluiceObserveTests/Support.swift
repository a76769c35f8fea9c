import Foundation
import SluicePipeline

/// The repository root, found from this file's location.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The seed pipeline of examples/user_analytics.
func seedPipeline() throws -> Pipeline {
    try Pipeline.load(path: repositoryRoot.appendingPathComponent("examples/user_analytics/pipeline.yaml").path)
}

/// Runs `scripts/NAME` with the test venv's Python (`SLUICE_TEST_PYTHON`, made by
/// scripts/test-venv.sh); returns the exit status and the output.
func runPythonScript(_ name: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    guard let python = ProcessInfo.processInfo.environment["SLUICE_TEST_PYTHON"], !python.isEmpty else {
        throw TestSetupError(message: "SLUICE_TEST_PYTHON is not set: run `export SLUICE_TEST_PYTHON=\"$(bash scripts/test-venv.sh)\"` (make test does)")
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [repositoryRoot.appendingPathComponent("scripts/" + name).path] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

struct TestSetupError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// The OpenLineage JSON Schemas kept as fixtures.
var openLineageSchemas: String {
    Bundle.module.url(forResource: "openlineage", withExtension: nil, subdirectory: "Fixtures")!.path
}

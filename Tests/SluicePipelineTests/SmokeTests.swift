import Testing
@testable import SluicePipeline

@Test func pipelineModuleLinks() {
    #expect(String(describing: SluicePipelineModule.self) == "SluicePipelineModule")
}

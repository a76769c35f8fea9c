import SluiceCore
import Testing

@Suite("FilePaths")
struct FilePathsTests {
    @Test("absolute paths resolve . and .. against a base")
    func absolute() {
        #expect(FilePaths.absolute("data/../orders.csv", base: "/work/x") == "/work/x/orders.csv")
        #expect(FilePaths.absolute("/a/./b/", base: "/ignored") == "/a/b")
        #expect(FilePaths.absolute("orders.csv").hasSuffix("/orders.csv"))
    }

    @Test("relative paths go up and down from a directory", arguments: [
        ("/data/orders.csv", "/data/suites", "../orders.csv"),
        ("/data/orders.csv", "/data", "orders.csv"),
        ("/data/a/b.csv", "/other/x/y", "../../../data/a/b.csv"),
        ("/data", "/data", "."),
    ])
    func relative(path: String, directory: String, expected: String) {
        #expect(FilePaths.relative(path, to: directory) == expected)
    }

    @Test("the directory of a path")
    func directory() {
        #expect(FilePaths.directory(of: "a/b/c.yaml") == "a/b")
        #expect(FilePaths.directory(of: "c.yaml") == ".")
        #expect(FilePaths.directory(of: "/c.yaml") == "/")
    }
}

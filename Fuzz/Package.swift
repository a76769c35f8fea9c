// swift-tools-version: 6.0
import PackageDescription

// libFuzzer harnesses over Sluice's readers of untrusted bytes (`make fuzz`; not part of
// `make test`). A separate package so the main build never links libFuzzer: it is built
// with `-sanitize=fuzzer -parse-as-library`, which instruments every Swift module and
// takes `main` from libFuzzer. `Sluice` is a symlink to the repository root, so the
// dependency's identity is `sluice` whatever the checkout's directory is called.
let package = Package(
    name: "SluiceFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: "Sluice")],
    targets: [
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "sluice-fuzz",
            dependencies: [
                "CFuzzDriver",
                .product(name: "SluiceCore", package: "Sluice"),
                .product(name: "SluiceFormats", package: "Sluice"),
                .product(name: "SluiceStream", package: "Sluice"),
                .product(name: "SluicePipeline", package: "Sluice"),
                .product(name: "SluiceQuality", package: "Sluice"),
                .product(name: "SluiceTransform", package: "Sluice"),
            ]
        ),
    ]
)

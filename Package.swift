// swift-tools-version: 6.0
import PackageDescription

// Module layers (DESIGN.md): SluiceCore (errors and their categories, columns, expressions) →
// SluiceSpec (the one YAML spec reader: typed values, durations, limits, key definitions) →
// SluiceFormats → SluiceSQL → SluiceTransform /
// SluiceQuality (which stores run history and reads SQL datasets through SluiceSQL) →
// (SluicePipeline, SluiceStream, SluiceObserve, added by their own work) → sluice CLI.
// A module depends only on modules below it.
let package = Package(
    name: "Sluice",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "SluiceCore", targets: ["SluiceCore"]),
        .library(name: "SluiceSpec", targets: ["SluiceSpec"]),
        .library(name: "SluiceFormats", targets: ["SluiceFormats"]),
        .library(name: "SluiceSQL", targets: ["SluiceSQL"]),
        .library(name: "SluiceQuality", targets: ["SluiceQuality"]),
        .library(name: "SluiceTransform", targets: ["SluiceTransform"]),
        .library(name: "SluicePipeline", targets: ["SluicePipeline"]),
        .library(name: "SluiceStream", targets: ["SluiceStream"]),
        .library(name: "SluiceObserve", targets: ["SluiceObserve"]),
        .executable(name: "sluice", targets: ["sluice"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "CSluiceSupport"),
        .target(
            name: "SluiceCore",
            dependencies: ["CSluiceSupport"]
        ),
        .target(
            name: "SluiceSpec",
            dependencies: ["SluiceCore", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "SluiceFormats",
            dependencies: ["SluiceCore", "CSluiceSupport", "CSnappy", "CZstd", "CLZ4", "CZlib"]
        ),
        // Parquet page compression: Debian's libsnappy-dev, libzstd-dev, liblz4-dev, zlib1g-dev.
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // A SQLite virtual table over a columnar batch (the load's insert path).
        .target(name: "CSQLiteBatch", dependencies: ["CSQLite"]),
        .target(
            name: "SluiceSQL",
            dependencies: ["SluiceCore", "SluiceFormats", "CSQLite", "CSQLiteBatch", "CLibPQ"]
        ),
        .target(
            name: "SluiceQuality",
            dependencies: ["SluiceCore", "SluiceSpec", "SluiceFormats", "SluiceSQL", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "SluiceTransform",
            dependencies: ["SluiceCore", "SluiceSpec", "SluiceFormats", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "SluicePipeline",
            dependencies: [
                "SluiceCore", "SluiceSpec", "SluiceFormats", "SluiceSQL", "SluiceQuality", "SluiceTransform",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "SluiceStream",
            dependencies: [
                "SluiceCore", "SluiceSpec", "SluiceFormats", "SluiceTransform", "CRdKafka",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "SluiceObserve",
            dependencies: [
                "SluiceCore", "SluiceFormats", "SluiceSQL", "SluiceQuality", "SluiceTransform", "SluicePipeline", "SluiceStream", "SluiceSpec",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "sluice",
            dependencies: [
                "SluiceCore", "SluiceFormats", "SluiceSQL", "SluiceQuality", "SluiceTransform",
                "SluicePipeline", "SluiceStream", "SluiceObserve",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The one test-support target (temporary directories, random tables, the Locked box,
        // PostgreSQL/SQLite and Kafka fixtures, the CLI runner) that every test target uses.
        .target(
            name: "SluiceTestSupport",
            dependencies: ["SluiceCore", "SluiceSQL", "SluiceStream", "CRdKafka"],
            path: "Tests/SluiceTestSupport"
        ),
        .testTarget(name: "SluiceCoreTests", dependencies: ["SluiceCore", "SluiceTestSupport"]),
        .testTarget(
            name: "SluiceSpecKindTests",
            dependencies: ["SluiceTestSupport", "SluiceSpec", "SluicePipeline", "SluiceQuality", "SluiceTransform", "SluiceStream", "SluiceCore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SluiceSpecTests",
            dependencies: ["SluiceTestSupport", "SluiceSpec", "SluiceCore", .product(name: "Yams", package: "Yams")]
        ),
        .testTarget(
            name: "SluiceFormatsTests",
            dependencies: ["SluiceTestSupport", "SluiceFormats", "SluiceCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SluiceSQLTests",
            dependencies: ["SluiceTestSupport", "SluiceSQL", "SluiceFormats", "SluiceCore"]
        ),
        .testTarget(
            name: "SluiceQualityTests",
            dependencies: ["SluiceTestSupport", "SluiceQuality", "SluiceSQL", "SluiceFormats", "SluiceCore"]
        ),
        .testTarget(
            name: "SluiceTransformTests",
            dependencies: ["SluiceTestSupport", "SluiceTransform", "SluiceFormats", "SluiceCore"]
        ),
        .testTarget(
            name: "SluicePipelineTests",
            dependencies: ["SluiceTestSupport", "SluicePipeline", "SluiceSQL", "SluiceFormats", "SluiceCore"]
        ),
        .testTarget(
            name: "SluiceStreamTests",
            dependencies: ["SluiceTestSupport", "SluiceStream", "CRdKafka", "SluiceFormats", "SluiceCore"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "SluiceObserveTests",
            dependencies: ["SluiceTestSupport", "SluiceObserve", "SluicePipeline", "SluiceStream", "SluiceQuality", "SluiceTransform", "SluiceCore"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SluiceCLITests",
            dependencies: ["SluiceTestSupport", "SluiceFormats", "SluiceCore"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

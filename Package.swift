// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "pathway",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "pathway", targets: ["pathway"]),
        .library(name: "PathwayCore", targets: ["PathwayCore"]),
        .library(name: "PathwayReports", targets: ["PathwayReports"]),
        .library(name: "GraphvizRenderer", targets: ["GraphvizRenderer"]),
        .library(name: "PathwayDrawing", targets: ["PathwayDrawing"]),
        .library(name: "PathwayRecords", targets: ["PathwayRecords"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(
            name: "PathwayCore",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "PathwayReports",
            dependencies: ["PathwayCore"]
        ),
        .target(
            name: "PathwayRecords",
            dependencies: ["PathwayCore", "PathwayReports"]
        ),
        .systemLibrary(
            name: "CGraphviz",
            pkgConfig: "libgvc",
            providers: [.apt(["libgraphviz-dev"])]
        ),
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "GraphvizRenderer",
            dependencies: ["CGraphviz", "PathwayCore"]
        ),
        .target(
            name: "PathwayDrawing",
            dependencies: ["PathwayCore", "PathwayReports", "GraphvizRenderer"]
        ),
        .executableTarget(
            name: "pathway",
            dependencies: [
                "PathwayCore",
                "PathwayReports",
                "GraphvizRenderer",
                "PathwayDrawing",
                "PathwayRecords",
                "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "pathway-bench",
            dependencies: ["PathwayCore", "PathwayReports", "PathwayRecords", "GraphvizRenderer", "PathwayDrawing"]
        ),
        // What more than one test target needs: scripts that stand in for the drawing worker.
        .target(name: "PathwayTestSupport", path: "Tests/Support"),
        .testTarget(
            name: "PathwayCoreTests",
            dependencies: ["PathwayCore", "PathwayReports"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "GraphvizRendererTests",
            dependencies: ["GraphvizRenderer", "PathwayCore", "PathwayReports", "PathwayTestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "PathwayDrawingTests",
            dependencies: ["PathwayDrawing", "GraphvizRenderer", "PathwayCore", "PathwayReports", "PathwayTestSupport"]
        ),
        .testTarget(
            name: "PathwayRecordsTests",
            dependencies: ["PathwayRecords", "PathwayCore", "PathwayReports"]
        ),
        .testTarget(
            name: "PathwayCLITests",
            dependencies: ["pathway"]
        ),
    ]
)

// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "growth-report",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "growth-report", targets: ["growth-report"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C libraries, found by pkg-config.
        .systemLibrary(
            name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CXLSXWriter", path: "Sources/CXLSXWriter", pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),

        // Libraries, dependencies running one way: CLI → Seeding/Reports → Database/Statistics → C.
        .target(name: "Digest"),
        .target(
            name: "Database",
            dependencies: [
                "CLibPQ", "Digest", .product(name: "Logging", package: "swift-log"),
            ]),
        // The demo's and the tests' own PostgreSQL server, run with initdb and pg_ctl; no libpq.
        .target(name: "PrivateCluster", dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "Statistics"),
        .target(
            name: "Rendering",
            dependencies: [
                "CXLSXWriter", "Digest", .product(name: "Mustache", package: "swift-mustache"),
                // Sparklines, which libxlsxwriter 1.1.4 cannot write, added to the closed workbook.
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]),
        .target(
            name: "Reports",
            dependencies: [
                "Database", "Statistics", "Rendering", "Digest",
                .product(name: "Logging", package: "swift-log"),
                // The rules file of `check`: TOML, with line and column for a syntax error.
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]),
        .target(name: "Seeding", dependencies: ["Database"]),
        .target(name: "MailDelivery", dependencies: ["CCurl"]),
        // A real PostgreSQL for the tests, started by the same code as `demo`.
        .target(name: "TestSupport", dependencies: ["Database", "PrivateCluster"]),
        .executableTarget(
            name: "growth-report",
            dependencies: [
                "Database", "Digest", "PrivateCluster", "Seeding", "Reports", "Rendering", "Statistics", "MailDelivery",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .testTarget(name: "DigestTests", dependencies: ["Digest"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "TestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Database", "Seeding", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "DatabaseTests", dependencies: ["Database", "TestSupport"]),
        .testTarget(name: "PrivateClusterTests", dependencies: ["PrivateCluster"]),
        .testTarget(name: "SeedingTests", dependencies: ["Seeding", "Database", "TestSupport"]),
        .testTarget(name: "MailDeliveryTests", dependencies: ["MailDelivery", "TestSupport"]),
        .testTarget(name: "RenderingTests", dependencies: ["Rendering", "TestSupport"], resources: [.copy("Golden")]),
        .testTarget(
            name: "GrowthReportTests", dependencies: ["growth-report", "Database", "Digest", "PrivateCluster", "TestSupport"],
            exclude: ["Golden"]),
    ]
)

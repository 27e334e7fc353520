// swift-tools-version: 6.2
import PackageDescription

import class Foundation.ProcessInfo

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Tests keep only `ExistentialAny`: member import visibility would make every test file import
/// HTTPTypes, NIOCore and Logging for the types the code under test hands back.
let testSwiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

/// swift-configuration's default traits, and command-line arguments as a configuration source.
let configurationTraits: Set<Package.Dependency.Trait> = [.defaults, "CommandLineArguments"]

let package = Package(
    name: "Bitaqa",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bitaqa", targets: ["bitaqa"]),
        .executable(name: "bitaqa-bench", targets: ["BitaqaBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-configuration", exact: "1.4.0", traits: configurationTraits),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
        .package(url: "https://github.com/apple/swift-system", exact: "1.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/vapor/jwt-kit", exact: "5.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
        .package(url: "https://github.com/vapor/fluent-kit", exact: "1.57.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver", exact: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver", exact: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit", exact: "3.36.0"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
    ],
    targets: [
        .target(
            name: "BitaqaCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CardVault",
            dependencies: [
                "BitaqaCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HTTPServing",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneClickDZ",
            dependencies: [
                "BitaqaCore",
                "Orders",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OneClickDZSandbox",
            dependencies: [
                "BitaqaCore",
                "Orders",
                "HTTPServing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Settings of SQLite that only its variadic C function takes (Storage's own SQLite connections).
        .target(name: "CSQLiteConfig"),
        .target(
            name: "Storage",
            dependencies: [
                "BitaqaCore",
                "CSQLiteConfig",
                "Audit",
                "CardVault",
                "Orders",
                .product(name: "FluentKit", package: "fluent-kit"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SMTP",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Messaging",
            dependencies: [
                "BitaqaCore",
                "SMTP",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Orders",
            dependencies: [
                "BitaqaCore",
                "CardVault",
                "Messaging",
                "Audit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Audit",
            dependencies: [
                "BitaqaCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BitaqaHTTP",
            dependencies: [
                "BitaqaCore",
                "CardVault",
                "Orders",
                "Audit",
                "Messaging",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedOpenAPI"]
        ),
        .target(
            name: "BitaqaApp",
            dependencies: [
                "BitaqaCore",
                "BitaqaHTTP",
                "CardVault",
                "OneClickDZ",
                "OneClickDZSandbox",
                "Messaging",
                "Orders",
                "HTTPServing",
                "Audit",
                "Storage",
                "SMTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "EmbedFile", swiftSettings: swiftSettings),
        .plugin(name: "EmbedOpenAPI", capability: .buildTool(), dependencies: ["EmbedFile"]),
        .executableTarget(
            name: "bitaqa",
            dependencies: [
                "BitaqaApp",
                "Orders",
                "BitaqaCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "BitaqaBench",
            dependencies: [
                "BitaqaCore",
                "CardVault",
                "Audit",
                "Storage",
                "Orders",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BitaqaTestSupport",
            dependencies: [
                "BitaqaCore",
                "Storage",
                "Orders",
                "CardVault",
                "OneClickDZ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                "Audit",
                "Messaging",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OrdersDoubles",
            dependencies: [
                "BitaqaCore",
                "Audit",
                "Messaging",
                "Orders",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DomainTests",
            dependencies: [
                "BitaqaCore",
                "CardVault",
                "Audit",
                "Messaging",
                "Orders",
                "OrdersDoubles",
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BitaqaCoreTests",
            dependencies: ["BitaqaCore", "BitaqaTestSupport"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "CardVaultTests",
            dependencies: ["CardVault", "BitaqaCore"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "AuditTests",
            dependencies: [
                "Audit",
                "BitaqaCore",
                "BitaqaTestSupport",
                "Storage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "OneClickDZTests",
            dependencies: [
                "OneClickDZ",
                "OneClickDZSandbox",
                "Orders",
                "BitaqaCore",
                "BitaqaTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "OrdersTests",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                "OneClickDZSandbox",
                "Orders",
                "Audit",
                "BitaqaCore",
                "BitaqaTestSupport",
                "CardVault",
                "Messaging",
                "OneClickDZ",
                "Storage",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "MessagingTests",
            dependencies: [
                "Messaging",
                "BitaqaCore",
                "BitaqaTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            exclude: ["Snapshots"],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "SMTPTests",
            dependencies: [
                "SMTP",
                "BitaqaTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage",
                "Orders",
                "OrdersDoubles",
                "Audit",
                "CardVault",
                "BitaqaTestSupport",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BitaqaAppTests",
            dependencies: [
                "BitaqaApp",
                "BitaqaHTTP",
                "OneClickDZ",
                "OneClickDZSandbox",
                "BitaqaTestSupport",
                "CardVault",
                "Orders",
                "Audit",
                "Storage",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            swiftSettings: testSwiftSettings
        ),
        .testTarget(
            name: "BitaqaCLITests",
            dependencies: [
                "OneClickDZSandbox",
                "bitaqa",
                "BitaqaTestSupport",
                "BitaqaCore",
                "CardVault",
                "Orders",
                "Storage",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: testSwiftSettings
        ),
    ]
)

// The micro-benchmarks (ordo-one/benchmark) join the package only for `scripts/bench micro`, which sets
// BITAQA_BENCHMARKS=1: `swift build`, `swift test` and CI never resolve or build the harness.
if ProcessInfo.processInfo.environment["BITAQA_BENCHMARKS"] == "1" {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]))
    package.targets.append(
        .executableTarget(
            name: "VaultBenchmarks",
            dependencies: [
                "BitaqaCore",
                "CardVault",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Benchmarks/VaultBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
}

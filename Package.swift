// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "certform",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "certform", targets: ["certform"]),
        .executable(name: "certcentral-sandbox", targets: ["certcentral-sandbox"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "YAML", dependencies: ["CYAML"]),
        .target(name: "Dates"),
        .target(name: "Parallel"),
        // `sha256:` digests as state records and manifests' checks hold them: 32 bytes, not text.
        .target(name: "Digests"),
        .target(
            name: "Manifests",
            dependencies: [
                "YAML", "Dates", "Digests", "Parallel", "Files", "CertCentralAPI", "Escaping",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // One escaping function per output kind (SPEC §2.2): terminal, markdown, annotations, labels.
        .target(name: "Escaping"),
        .target(name: "JSON", dependencies: ["Escaping"]),
        // The wire contract: products, statuses, actions, typed requests and responses, paths.
        .target(name: "CertCentralAPI", dependencies: ["JSON"]),
        .target(name: "Files"),
        .target(name: "States", dependencies: ["Dates", "Digests", "JSON", "Files", "CertCentralAPI"]),
        .target(
            name: "PostgresState",
            dependencies: [
                "States", "JSON", "Dates",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CertCentral",
            dependencies: [
                "JSON", "CertCentralAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(name: "Apply", dependencies: ["Plans", "Manifests", "States", "CertCentral", "CertCentralAPI", "JSON", "Dates"]),
        // Domain control validation: what to publish, the DCV hook, check-dcv, cleanup (SPEC §6).
        .target(name: "DomainValidation", dependencies: ["Apply", "CertCentral", "CertCentralAPI", "States", "Dates", "JSON"]),
        // Issued certificates written to files (`refresh --certs-dir`), checked before writing.
        .target(
            name: "CertificateFiles",
            dependencies: [
                "CertCentral", "States", "Files",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "Sandbox",
            dependencies: [
                "CertCentralAPI", "JSON", "Dates", "Files",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "certcentral-sandbox",
            dependencies: [
                "Sandbox", "CertCentralAPI", "JSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "Plans",
            dependencies: [
                "Manifests", "States", "CertCentralAPI", "Digests", "Escaping", "JSON", "Dates", "Parallel",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .executableTarget(
            name: "certform",
            dependencies: [
                "Manifests", "States", "PostgresState", "Plans", "Dates", "JSON", "Files", "CertCentral", "CertCentralAPI", "Apply", "Escaping",
                "DomainValidation", "CertificateFiles",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (bench/): the in-process loading benchmark of SPEC §9.
        .executableTarget(
            name: "certform-load-bench",
            dependencies: ["CYAML", "Manifests", "Dates"],
            path: "bench/LoadBenchmark"
        ),
        .target(
            name: "CertformTestSupport",
            dependencies: [
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Tests/Support"
        ),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"]),
        .testTarget(name: "DatesTests", dependencies: ["Dates"]),
        .testTarget(name: "EscapingTests", dependencies: ["Escaping", "JSON"]),
        .testTarget(name: "ParallelTests", dependencies: ["Parallel"]),
        .testTarget(
            name: "ManifestsTests",
            dependencies: [
                "Manifests", "YAML", "CertCentralAPI", "Dates", "Parallel", "CertformTestSupport",
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "DomainValidationTests", dependencies: ["DomainValidation", "CertCentralAPI"]),
        .testTarget(
            name: "CertificateFilesTests",
            dependencies: [
                "CertificateFiles",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "StatesTests", dependencies: ["States", "PostgresState", "CertCentralAPI", "Dates", "Digests", "JSON", "CertformTestSupport"]),
        .testTarget(
            name: "PlansTests",
            dependencies: ["Plans", "Manifests", "States", "CertCentralAPI", "Dates", "JSON", "CertformTestSupport"]
        ),
        .testTarget(
            name: "SandboxTests",
            dependencies: [
                "Sandbox", "CertCentralAPI", "JSON", "Dates", "CertformTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "CertCentralTests",
            dependencies: [
                "CertCentral", "CertCentralAPI", "Sandbox", "JSON", "CertformTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ApplyTests",
            dependencies: [
                "Apply", "Plans", "Manifests", "States", "CertCentral", "CertCentralAPI", "Sandbox", "Dates", "JSON",
                "CertformTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "CLITests", dependencies: ["certform", "certcentral-sandbox", "CertformTestSupport", "States", "CertCentralAPI", "PostgresState", "JSON", "YAML"]),
    ],
    swiftLanguageModes: [.v6]
)

// Release builds leave out the run-time checks of exclusive access: a certificate's or a
// record's fields live in a class box (copied on write, as an array's elements are), and every
// read of one was checked at run time — 6 % of loading lean manifests (certform-load-bench,
// 6 alternating rounds: 0.580 -> 0.544 s). The compiler's static checks still apply to every
// build, and debug builds (what `swift test` runs, end-to-end tests included) keep the run-time
// checks, so an overlapping access on a path the tests take still stops them. (Those checks
// only ever saw overlaps on one thread; between threads, Swift 6's static checks and the
// single-owner rule of the boxes are what hold.)
for target in package.targets where target.type == .regular || target.type == .executable {
    target.swiftSettings = (target.swiftSettings ?? []) + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
}

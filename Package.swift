// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "Ally",
    products: [
        .executable(name: "ally", targets: ["ally"]),
        .library(name: "AllyKit", targets: ["AllyKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Everything but the shell: syntax, diagnostics, model, repository, evaluator,
        // scenarios, analytics, import/export and rendering. Nothing in it prints.
        .target(
            name: "AllyKit",
            dependencies: [.product(name: "HashTreeCollections", package: "swift-collections")],
            // Release builds skip the run-time exclusivity checks on class properties (the id
            // tree's nodes are classes, and the checks cost more than its searches); debug builds,
            // which the tests and the fuzzers run, keep them.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        // GNU readline (the system C library, from libreadline-dev) behind small C functions, so
        // Swift never touches readline's mutable C globals. A real C target: the shell's signal
        // state lives once, in CReadline.c, in every build mode.
        .target(
            name: "CReadline",
            linkerSettings: [.linkedLibrary("readline")]
        ),
        // The line editor and shell loop, written against `ShellBackend`; knows nothing of Ally's language.
        .target(name: "AllyShell", dependencies: ["CReadline"]),
        .executableTarget(
            name: "ally",
            dependencies: [
                "AllyKit",
                "AllyShell",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "AllyFuzz", dependencies: ["AllyKit"]),
        .testTarget(
            name: "AllyKitTests",
            dependencies: ["AllyKit", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "AllyShellTests", dependencies: ["AllyShell"]),
    ]
)

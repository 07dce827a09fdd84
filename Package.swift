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
    ],
    targets: [
        // Everything but the shell: syntax, diagnostics, model, repository, evaluator,
        // scenarios, analytics, import/export and rendering. Nothing in it prints.
        .target(
            name: "AllyKit",
            dependencies: [.product(name: "HashTreeCollections", package: "swift-collections")]
        ),
        .executableTarget(
            name: "ally",
            dependencies: [
                "AllyKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "AllyKitTests", dependencies: ["AllyKit"]),
    ]
)

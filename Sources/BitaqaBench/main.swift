import BitaqaCore
import Foundation
import Storage

/// `bitaqa-bench vault [--iterations N] [--rounds R]`
/// `bitaqa-bench audit --database-url URL [--appends N] [--writers W]`
/// `bitaqa-bench seed --database-url URL --orders N --key HEX --jwt-secret S --targets FILE [--sample K]`
/// `bitaqa-bench schedule [--samples N]`
func usage() -> Never {
    FileHandle.standardError.write(
        Data(
            """
            usage: bitaqa-bench vault [--iterations N] [--rounds R]
                   bitaqa-bench audit --database-url URL [--appends N] [--writers W]
                   bitaqa-bench seed --database-url URL --orders N --key HEX --jwt-secret S --targets FILE [--sample K]
                   bitaqa-bench schedule [--samples N]

            """.utf8))
    exit(2)
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let mode = arguments.first else { usage() }
arguments.removeFirst()
var options: [String: String] = [:]
while arguments.count >= 2, arguments[0].hasPrefix("--") {
    options[String(arguments[0].dropFirst(2))] = arguments[1]
    arguments.removeFirst(2)
}
guard arguments.isEmpty else { usage() }
let parsed = options
func number(_ name: String, _ fallback: Int) -> Int {
    guard let raw = parsed[name] else { return fallback }
    guard let value = Int(raw), value > 0 else { usage() }
    return value
}

switch mode {
case "vault":
    try VaultBenchmark(iterations: number("iterations", 200_000), rounds: number("rounds", 7)).run()
case "audit":
    guard let url = parsed["database-url"], let location = try? DatabaseLocation(url: url) else { usage() }
    try await AuditBenchmark(location: location, appends: number("appends", 2_000), writers: number("writers", 3)).run()
case "seed":
    guard let url = parsed["database-url"], let location = try? DatabaseLocation(url: url), let hex = parsed["key"],
        let key = SecretBytes(hex: hex, byteCount: 32), let secret = parsed["jwt-secret"],
        let targets = parsed["targets"]
    else { usage() }
    try await SeedCommand(
        location: location, orders: number("orders", 10_000), key: key, jwtSecret: secret, targets: targets,
        sampleCount: number("sample", 1_000)
    ).run()
case "schedule":
    ScheduleBenchmark(samples: number("samples", 100_000)).run()
default:
    usage()
}

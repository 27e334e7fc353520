import BitaqaTestSupport
import Foundation
import Testing

/// `deploy/prometheus/bitaqa-alerts.yml` and `deploy/grafana/bitaqa-dashboard.json` load, and name only
/// metrics Bitaqa exposes.
@Suite("Deploy files")
struct DeployFilesTests {
    static let repository = Reliability.repository

    /// Every metric name the sources register, plus Hummingbird's request counter.
    static func exposedMetrics() throws -> Set<String> {
        var names: Set<String> = ["hb_requests", "http_server_request_duration"]
        let sources = repository.appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)?.compactMap { $0 as? String } ?? []
        let pattern = try Regex(#"label: "(bitaqa_[a-z_]+)""#)
        for file in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: pattern) {
                if let name = match.output[1].substring { names.insert(String(name)) }
            }
        }
        return names
    }

    /// The metric names an expression reads.
    static func metrics(in expression: String) throws -> Set<String> {
        let pattern = try Regex(#"\b(bitaqa_[a-z_]+|hb_requests)\b"#)
        return Set(expression.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) })
    }

    @Test("the alert rules pass promtool (or parse, where promtool is missing) and read existing metrics")
    func rules() throws {
        let path = Self.repository.appendingPathComponent("deploy/prometheus/bitaqa-alerts.yml").path
        let promtool = ProcessInfo.processInfo.environment["BITAQA_TEST_PROMTOOL"] ?? "/usr/bin/promtool"
        if FileManager.default.isExecutableFile(atPath: promtool) {
            let check = try Reliability.start(promtool, ["check", "rules", path])
            check.expectExit()
            let text = check.stdout() + check.stderr()
            #expect(check.status == 0, "\(text)")
            #expect(text.contains("SUCCESS: 7 rules found"), "\(text)")
        } else {
            #expect(
                ProcessInfo.processInfo.environment["BITAQA_TEST_PROMTOOL"] == nil, "scripts/test installs promtool")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let expressions = text.split(separator: "\n").filter { $0.contains("expr:") }.map(String.init)
        #expect(expressions.count == 7)
        let exposed = try Self.exposedMetrics()
        for expression in expressions {
            let used = try Self.metrics(in: expression)
            #expect(!used.isEmpty && used.isSubset(of: exposed), "\(expression) reads \(used.subtracting(exposed))")
        }
        for condition in ["delivery_failed", "orders_stuck", "upstream_down", "audit_broken"] {
            #expect(text.contains(#"condition="\#(condition)""#))
        }
    }

    @Test("the Grafana dashboard is JSON with a panel per metric family, each reading existing metrics")
    func dashboard() throws {
        let path = Self.repository.appendingPathComponent("deploy/grafana/bitaqa-dashboard.json")
        let dashboard = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: path)) as? [String: Any])
        #expect(dashboard["uid"] as? String == "bitaqa")
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        #expect(panels.count >= 8)
        let exposed = try Self.exposedMetrics()
        var read: Set<String> = []
        for panel in panels {
            let targets = try #require(panel["targets"] as? [[String: Any]])
            for target in targets {
                let used = try Self.metrics(in: try #require(target["expr"] as? String))
                #expect(!used.isEmpty && used.isSubset(of: exposed), "\(panel["title"] ?? "?") reads \(used)")
                read.formUnion(used)
            }
        }
        #expect(
            read.isSuperset(of: ["bitaqa_upstream_balance_dzd", "bitaqa_alert_condition", "bitaqa_deliveries_total"]))
    }

    @Test(
        "the image and the install steps strip debug information only: the stripped binary runs and keeps its symbols"
    )
    func strippedBinary() throws {
        let dockerfile = try String(
            contentsOf: Self.repository.appendingPathComponent("Dockerfile"), encoding: .utf8)
        let deploy = try String(
            contentsOf: Self.repository.appendingPathComponent("docs/deploy.md"), encoding: .utf8)
        #expect(dockerfile.contains("strip --strip-debug /staging/bitaqa"))
        #expect(deploy.contains("sudo strip --strip-debug /usr/local/bin/bitaqa"))
        #expect(!dockerfile.contains("install -s") && !dockerfile.contains("strip --strip-all"))

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let copy = directory.path + "/bitaqa"
        try FileManager.default.copyItem(atPath: BitaqaProcess.executable.path, toPath: copy)
        let before = try FileManager.default.attributesOfItem(atPath: copy)[.size] as? Int ?? 0
        #expect(try Subprocess.output("/usr/bin/strip", ["--strip-debug", copy]).0 == 0)
        let after = try FileManager.default.attributesOfItem(atPath: copy)[.size] as? Int ?? 0
        #expect(after < before, "stripping removed nothing: \(before) → \(after) bytes")
        let version = try Subprocess.output(copy, ["--version"])
        #expect(version.0 == 0 && !version.1.isEmpty)
        // The backtracer names functions from the symbol table, which --strip-debug keeps.
        let symbols = try Subprocess.output("/usr/bin/nm", [copy])
        #expect(symbols.0 == 0 && symbols.1.contains("BitaqaApp"), "no Swift symbols left")
        print("stripped binary (debug build): \(before / 1_048_576) MiB → \(after / 1_048_576) MiB")
    }
}

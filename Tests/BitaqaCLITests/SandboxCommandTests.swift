import BitaqaTestSupport
import Foundation
import Testing

@Suite("bitaqa sandbox")
struct SandboxCommandTests {
    @Test("the sandbox answers like the upstream: 401 without a key, any key accepted, or only the configured one")
    func keys() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for required in [nil, "configured-sandbox-key"] as [String?] {
            let port = try FreePort.find()
            var environment = ["BITAQA_DATA_DIR": directory.path]
            if let required { environment["ONECLICKDZ_API_KEY"] = required }
            let sandbox = try BitaqaProcess.start(
                ["sandbox", "--port", "\(port)"], workingDirectory: directory.path, environment: environment)
            defer { sandbox.terminateIfRunning() }
            let base = "http://127.0.0.1:\(port)/v3"
            var missing = (0, "")
            for _ in 0..<100 {
                missing = try HTTPProbe.request("GET", base + "/validate")
                if missing.0 != 0 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(missing.0 == 401)
            #expect(missing.1.contains("MISSING_ACCESS_TOKEN"))
            let anyKey = try HTTPProbe.request("GET", base + "/validate", headers: ["X-Access-Token": "whatever-key"])
            #expect(anyKey.0 == (required == nil ? 200 : 401))
            if let required {
                let right = try HTTPProbe.request(
                    "GET", base + "/internet/products?type=4G", headers: ["X-Access-Token": required])
                #expect(right.0 == 200 && right.1.contains("\"products\""))
            }
            sandbox.stop()
            #expect(sandbox.process.terminationStatus == 0)
        }
    }

    @Test("serve without an API key runs the sandbox in-process and says so")
    func inProcess() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let server = try await ServerProcess.start(directory: directory.path, environment: [:])
        let log = server.stop()
        #expect(log.contains("NO ONECLICKDZ_API_KEY"))
        #expect(log.contains("upstream=in-process sandbox at http://127.0.0.1:"))
        #expect(!log.contains("sandbox-") || !log.contains("X-Access-Token"))
    }
}

import BitaqaTestSupport
import Foundation
import Testing

@Suite("TLS and the .env file")
struct TLSAndEnvFileTests {
    @Test("with a certificate the server speaks HTTPS only")
    func httpsOnly() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cert = directory.path + "/cert.pem"
        let key = directory.path + "/key.pem"
        let openssl = try Subprocess.output(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert,
            ])
        try #require(openssl.status == 0)
        let port = try FreePort.find()
        let server = try BitaqaProcess.start(
            ["serve", "--http-port", "\(port)"], workingDirectory: directory.path,
            environment: ["BITAQA_TLS_CERT_FILE": cert, "BITAQA_TLS_KEY_FILE": key]
        )
        defer { server.terminateIfRunning() }
        let body = try await HTTPProbe.waitForOK(
            "https://127.0.0.1:\(port)/health", timeout: .seconds(30), caFile: cert)
        #expect(body.contains("ok"))
        let plain = try await HTTPProbe.get("http://127.0.0.1:\(port)/health")
        #expect(plain.0 != 200)
        let headers = try HTTPProbe.request(
            "GET", "https://127.0.0.1:\(port)/health", extra: ["--cacert", cert, "-D", "-"])
        #expect(headers.1.lowercased().contains("strict-transport-security: max-age=31536000"))
    }

    @Test("settings in .env are read, and the environment wins over them")
    func envFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "BITAQA_HTTP_PORT=not-a-port\n".write(toFile: directory.path + "/.env", atomically: true, encoding: .utf8)
        let fromFile = try BitaqaProcess.run(["migrate"], workingDirectory: directory.path)
        // migrate does not listen, but reads and checks every setting.
        #expect(fromFile.status == 2)
        #expect(fromFile.stderr.contains("BITAQA_HTTP_PORT"))
        let overridden = try BitaqaProcess.run(
            ["migrate"], environment: ["BITAQA_HTTP_PORT": "8081"], workingDirectory: directory.path)
        #expect(overridden.status == 0, "\(overridden.stderr)")
    }
}

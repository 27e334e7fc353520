import BitaqaTestSupport
import Foundation

/// A self-signed certificate and key made with `/usr/bin/openssl` in a temporary directory.
struct TestCertificate {
    let directory: URL

    var certificatePath: String { self.directory.appending(path: "cert.pem").path }
    var keyPath: String { self.directory.appending(path: "key.pem").path }

    /// Arguments that give the Python server this certificate.
    var serverArguments: [String] { ["--cert", self.certificatePath, "--key", self.keyPath] }

    /// - Parameter subjectAltName: Names the certificate is valid for, in openssl's syntax.
    init(subjectAltName: String = "DNS:localhost,IP:127.0.0.1") throws {
        self.directory = try TemporaryDirectory.make(prefix: "smtp-cert")
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", self.keyPath, "-out", self.certificatePath, "-days", "2",
            "-subj", "/CN=SMTP test", "-addext", "subjectAltName=\(subjectAltName)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let finished = process.waitForExit(timeout: .seconds(60))
        guard finished, process.terminationStatus == 0 else {
            process.stop()
            try? FileManager.default.removeItem(at: self.directory)
            throw TemporaryDirectory.Failure(
                description: finished
                    ? "openssl req failed with \(process.terminationStatus)"
                    : "openssl req did not finish within 60 s and was killed")
        }
    }

    func remove() {
        try? FileManager.default.removeItem(at: self.directory)
    }
}

extension TemporaryDirectory {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }
}

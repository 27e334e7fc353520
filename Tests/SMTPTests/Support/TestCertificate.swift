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
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            try? FileManager.default.removeItem(at: self.directory)
            throw TemporaryDirectory.Failure(description: "openssl req failed with \(process.terminationStatus)")
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

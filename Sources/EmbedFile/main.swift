import Foundation

// `EmbedFile INPUT OUTPUT NAME`: writes a Swift file declaring `NAME`, the bytes of INPUT as base64, so
// a file of the repository (openapi.yaml) is served from inside the binary with nothing to deploy
// beside it. Used by the EmbedOpenAPI build plugin.
let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: EmbedFile INPUT OUTPUT NAME\n".utf8))
    exit(2)
}
guard let data = FileManager.default.contents(atPath: arguments[1]) else {
    FileHandle.standardError.write(Data("EmbedFile: cannot read \(arguments[1])\n".utf8))
    exit(1)
}
let source = """
    // Generated from \(URL(fileURLWithPath: arguments[1]).lastPathComponent) by the EmbedOpenAPI plugin; do not edit.
    let \(arguments[3])Base64 = "\(data.base64EncodedString())"

    """
do {
    try Data(source.utf8).write(to: URL(fileURLWithPath: arguments[2]), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("EmbedFile: cannot write \(arguments[2])\n".utf8))
    exit(1)
}

import Foundation
import PackagePlugin

/// Embeds the repository's `openapi.yaml` into the target, so `GET /openapi.yaml` serves exactly the
/// document the tests check, from the binary alone.
@main
struct EmbedOpenAPI: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) throws -> [Command] {
        let input = context.package.directoryURL.appending(path: "openapi.yaml")
        let output = context.pluginWorkDirectoryURL.appending(path: "OpenAPIDocument.swift")
        return [
            .buildCommand(
                displayName: "Embedding openapi.yaml",
                executable: try context.tool(named: "EmbedFile").url,
                arguments: [input.path(), output.path(), "openAPIDocument"],
                inputFiles: [input],
                outputFiles: [output]
            )
        ]
    }
}

import Foundation

/// Finds the bundled `Templates/` folder at run time. The templates are plain files in the
/// repository's top-level `Templates/` (not a Swift resource), so a user can read and copy them.
///
/// The rule, first match wins:
/// 1. the `GROWTH_REPORT_TEMPLATES` environment variable (it must name a folder holding
///    `layout.mustache`, else an error);
/// 2. walking up from the running executable (symbolic links resolved) to the first folder
///    holding `Templates/layout.mustache` — `.build/debug/growth-report` finds the checkout's;
///    an installed `bin/growth-report` finds `share/growth-report/Templates` beside `bin/`;
/// 3. `Templates/` in the current directory.
///
/// `--templates DIR` is applied on top (see `HTMLTemplates`): a file there replaces the bundled
/// file of the same name, the others fall back to the bundled folder.
public struct TemplateLocator: Sendable {
    public static let environmentVariable = "GROWTH_REPORT_TEMPLATES"
    /// The file that marks a templates folder.
    public static let markerFile = "layout.mustache"

    public var environment: [String: String]
    public var executablePath: String?
    public var currentDirectory: String

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String? = TemplateLocator.runningExecutablePath(),
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) {
        self.environment = environment
        self.executablePath = executablePath
        self.currentDirectory = currentDirectory
    }

    /// The bundled templates folder, or nil when none of the places holds one.
    /// - Throws: `templatesNotFound` when `GROWTH_REPORT_TEMPLATES` names a folder without templates.
    public func bundledDirectory() throws -> URL? {
        if let configured = environment[Self.environmentVariable], !configured.isEmpty {
            let url = URL(fileURLWithPath: configured, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true))
                .standardizedFileURL
            guard Self.holdsTemplates(url) else {
                throw HTMLRenderingError(
                    .templatesNotFound,
                    message: "\(Self.environmentVariable)=\(configured) is not a templates folder (it has no \(Self.markerFile)).")
            }
            return url
        }
        if let executablePath {
            var folder = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            while true {
                for candidate in [
                    folder.appendingPathComponent("Templates"),
                    folder.appendingPathComponent("share/growth-report/Templates"),
                ]
                where Self.holdsTemplates(candidate) {
                    return candidate.standardizedFileURL
                }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path || folder.path == "/" { break }
                folder = parent
            }
        }
        let local = URL(fileURLWithPath: currentDirectory, isDirectory: true).appendingPathComponent("Templates")
        return Self.holdsTemplates(local) ? local.standardizedFileURL : nil
    }

    /// The places searched, for the error message when none holds templates.
    public var searchedPlaces: String {
        "\(Self.environmentVariable) (unset), the folders above \(executablePath ?? "the executable"), and ./Templates"
    }

    static func holdsTemplates(_ folder: URL) -> Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(markerFile).path)
    }

    /// The running program's path (`/proc/self/exe` on Linux, else the main bundle's executable).
    public static func runningExecutablePath() -> String? {
        #if os(Linux)
            if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
                return path
            }
        #endif
        return Bundle.main.executableURL?.path ?? CommandLine.arguments.first
    }
}

import Logging

extension Logger {
    /// The cluster's default logger: silent unless the caller passes one, so only the
    /// executable decides where log lines go (the same as Database's `Logger.silent`, which
    /// this module does not import).
    @usableFromInline static func silentCluster(_ label: String) -> Logger {
        Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() })
    }
}

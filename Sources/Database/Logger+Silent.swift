import Logging

extension Logger {
    /// The default logger of library types: silent unless the caller passes one, so only the
    /// executable decides where log lines go.
    public static func silent(_ label: String) -> Logger {
        Logger(label: label, factory: { _ in SwiftLogNoOpLogHandler() })
    }
}

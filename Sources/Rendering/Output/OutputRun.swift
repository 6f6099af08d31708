import Digest
import Foundation

#if canImport(Glibc)
    import Glibc
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    import Darwin
    private let systemWrite = Darwin.write
#endif

/// One run's files, written safely into `<output>/<period>/` (SPEC §6).
///
/// Every file is first written into a staging folder inside the output folder
/// (`<output>/.staging-<random>/`, same file system, so renames are atomic). `commit` then
/// renames each file over its final path and writes `manifest.json` last, also by rename. A
/// file that existed before is hard-linked aside first, so if a rename fails half way the
/// files already moved are put back: the folder holds the old set or the new one.
///
/// A failure while adding a file (the body throws, the disk is full) discards the whole run:
/// the staging folder is removed and the period folder is left as it was. A run that is never
/// committed is discarded when it is released. Several reports can go into one run (the
/// weekly pack), and a run that rewrites only some reports keeps the manifest entries of the
/// files it did not rewrite.
///
/// ```swift
/// let run = try OutputRun(outputDirectory: URL(fileURLWithPath: "Output"), period: "2026-W47")
/// try run.addCSV(for: document)
/// try run.addXLSX(for: document)
/// let paths = try run.commit(toolVersion: "1.0.0", generatedAt: Date(), options: maskedOptions)
/// ```
public final class OutputRun {
    public let outputDirectory: URL
    public let period: String
    /// `<output>/<period>/`.
    public let periodDirectory: URL
    /// The files added so far, with their sizes and hashes.
    public private(set) var files: [OutputManifest.File] = []

    private let stagingDirectory: URL
    /// The staging folder, open and locked (`flock`) while the run lives: a folder nobody
    /// holds is what a killed run left, and the next run removes it.
    private var stagingLock: Int32
    private var reports: [String: OutputManifest.Report] = [:]
    private enum State { case open, committed, discarded }
    private var state = State.open

    /// Makes `<output>` when missing and a staging folder in it, and checks that
    /// `<output>/<period>/`, when it exists, is a folder this process can write (it is made by
    /// the commit, so a run that never commits leaves no empty period folder). Throws
    /// `OutputError.cannotCreateDirectory` naming the path that failed.
    /// `folderName` names the folder when it is not the period (`doctor/2026-12-03`'s date);
    /// the manifest still records `period`.
    public init(outputDirectory: URL, period: String, folderName: String? = nil) throws {
        let folder = folderName ?? period
        guard Self.isPlainFileName(folder) else { throw OutputError(.invalidFileName, path: folder) }
        self.outputDirectory = outputDirectory.standardizedFileURL
        self.period = period
        periodDirectory = self.outputDirectory.appendingPathComponent(folder, isDirectory: true)
        try Self.makeDirectories(self.outputDirectory)
        if FileManager.default.fileExists(atPath: periodDirectory.path) { try Self.makeDirectories(periodDirectory) }
        Self.removeAbandonedStaging(in: self.outputDirectory)
        (stagingDirectory, stagingLock) = try Self.makeStaging(in: self.outputDirectory)
        OutputInterruption.register(stagingDirectory)
    }

    deinit {
        if state == .open { removeStaging() }
    }

    /// Adds a file with these contents.
    public func add(fileNamed name: String, report: String, bytes: Data) throws {
        try stage(fileNamed: name, report: report) { url in
            // Written and flushed once; its size and hash are those of the bytes in hand.
            try Self.writeFile(bytes, to: url)
            var hasher = SHA256()
            bytes.withUnsafeBytes { hasher.update($0) }
            return (bytes.count, hasher.finalizeHex())
        }
    }

    /// Lets `body` write the file at the staging URL it is given (libxlsxwriter writes to a
    /// path). Any error (an invalid or duplicate name, the body's own, a disk error) discards
    /// the run, then is rethrown as it is.
    public func write(fileNamed name: String, report: String, _ body: (URL) throws -> Void) throws {
        try stage(fileNamed: name, report: report) { url in
            try body(url)
            return nil
        }
    }

    /// Stages one file: `body` writes it and returns its size and SHA-256 when it knows them
    /// (then the file is flushed already); otherwise the file is read back, hashed and flushed.
    private func stage(fileNamed name: String, report: String, _ body: (URL) throws -> (Int, String)?) throws {
        guard state == .open else { throw OutputError(.runFinished, path: periodDirectory.path) }
        do {
            guard Self.isPlainFileName(name), name != OutputManifest.fileName else {
                throw OutputError(.invalidFileName, path: name)
            }
            guard !files.contains(where: { $0.path == name }) else {
                throw OutputError(.duplicateFile, path: periodDirectory.appendingPathComponent(name).path)
            }
            let url = stagingDirectory.appendingPathComponent(name)
            let known = try body(url)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw OutputError(.fileNotWritten, path: periodDirectory.appendingPathComponent(name).path)
            }
            let (size, hash) = try known ?? Self.hashAndSync(url)
            files.append(OutputManifest.File(path: name, report: report, bytes: size, sha256: hash))
            if reports[report] == nil { reports[report] = OutputManifest.Report(report: report) }
        } catch var error as OutputError {
            // The staging folder is gone once discarded: name the file where it was going.
            error.path = finalPath(error.path)
            discard()
            throw error
        } catch var error as XLSXError where error.code == .libraryCallFailed {
            discard()
            // A write the system refused (a full disk, a file-size limit) is a file that cannot be written.
            if let reason = error.systemError {
                throw OutputError(.cannotWrite, path: periodDirectory.appendingPathComponent(name).path, reason: reason)
            }
            error.context = finalPath(error.context)
            error.printed = error.printed.map(finalPath)
            throw error
        } catch {
            discard()
            throw error
        }
    }

    /// `text` with the staging folder's path replaced by the period folder's.
    private func finalPath(_ text: String) -> String {
        text.replacingOccurrences(of: stagingDirectory.path + "/", with: periodDirectory.path + "/")
    }

    /// The contents of a file this run has added, nil when it has none of that name.
    public func stagedData(fileNamed name: String) throws -> Data? {
        guard files.contains(where: { $0.path == name }) else { return nil }
        return try Data(contentsOf: stagingDirectory.appendingPathComponent(name))
    }

    /// Records a report's title and reproducibility record (statement hashes) for the manifest.
    public func record(_ document: ReportDocument) {
        reports[document.report] = OutputManifest.Report(document)
    }

    /// Moves every file into `<output>/<period>/`, then writes `manifest.json` (merged with the
    /// one already there: entries of files this run did not rewrite are kept). Returns the final
    /// paths of the files, in the order they were added, then the manifest's.
    @discardableResult
    public func commit(
        toolVersion: String, generatedAt: Date, options: [Reproducibility.Setting],
        lockTimeout: Duration = .seconds(120)
    ) throws -> [URL] {
        guard state == .open else { throw OutputError(.runFinished, path: periodDirectory.path) }
        let periodLock: Int32
        do {
            periodLock = try Self.lockPeriodDirectory(periodDirectory, timeout: lockTimeout)
        } catch {
            discard()
            throw error
        }
        defer { close(periodLock) }
        return try OutputInterruption.whileNotStopped(periodDirectory.path) {
            try commitLocked(toolVersion: toolVersion, generatedAt: generatedAt, options: options)
        }
    }

    /// `commit` with the period folder locked and no interruption possible.
    private func commitLocked(toolVersion: String, generatedAt: Date, options: [Reproducibility.Setting]) throws -> [URL] {
        let manifestURL = periodDirectory.appendingPathComponent(OutputManifest.fileName)
        var moves: [(staged: URL, final: URL)] = files.map {
            (stagingDirectory.appendingPathComponent($0.path), periodDirectory.appendingPathComponent($0.path))
        }
        var applied: [(final: URL, backup: URL?)] = []
        do {
            let manifest = mergedManifest(
                previous: Self.readManifest(at: manifestURL), toolVersion: toolVersion,
                generatedAt: generatedAt, options: options)
            let stagedManifest = stagingDirectory.appendingPathComponent(OutputManifest.fileName)
            try Self.writeFile(try manifest.encoded(), to: stagedManifest)
            moves.append((stagedManifest, manifestURL))

            let backups = stagingDirectory.appendingPathComponent(".previous", isDirectory: true)
            guard mkdir(backups.path, 0o700) == 0 else { throw OutputError.posix(.cannotWrite, path: backups.path) }
            for (index, move) in moves.enumerated() {
                var backup: URL?
                if FileManager.default.fileExists(atPath: move.final.path) {
                    let aside = backups.appendingPathComponent(String(index))
                    // A hard link keeps the old file in place until the rename; where the file
                    // system has none, a copy does.
                    if link(move.final.path, aside.path) != 0 {
                        do { try FileManager.default.copyItem(at: move.final, to: aside) } catch {
                            throw OutputError(.cannotWrite, path: move.final.path, reason: error.localizedDescription)
                        }
                    }
                    backup = aside
                }
                guard rename(move.staged.path, move.final.path) == 0 else {
                    throw OutputError.posix(.cannotWrite, path: move.final.path)
                }
                applied.append((move.final, backup))
            }
            Self.syncDirectory(periodDirectory)
        } catch {
            // Put back what was already moved, newest first.
            for move in applied.reversed() {
                if let backup = move.backup { _ = rename(backup.path, move.final.path) } else { _ = unlink(move.final.path) }
            }
            discard()
            throw error
        }
        state = .committed
        removeStaging()
        return moves.map(\.final)
    }

    /// Removes the staging folder and everything in it; the period folder is untouched.
    public func discard() {
        guard state == .open else { return }
        state = .discarded
        removeStaging()
    }

    private func removeStaging() {
        OutputInterruption.unregister(stagingDirectory)
        try? FileManager.default.removeItem(at: stagingDirectory)
        if stagingLock >= 0 { close(stagingLock) }
        stagingLock = -1
    }

    // MARK: - Staging folders and locks

    static let stagingPrefix = ".staging-"
    static let creatingPrefix = ".creating-"

    /// A new staging folder, locked before it gets its `.staging-` name so that no other run
    /// ever sees it unlocked.
    static func makeStaging(in outputDirectory: URL) throws -> (URL, Int32) {
        for _ in 0..<8 {
            let suffix = String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let creating = outputDirectory.appendingPathComponent(creatingPrefix + suffix, isDirectory: true)
            guard mkdir(creating.path, 0o700) == 0 else {
                if errno == EEXIST { continue }
                throw OutputError.posix(.cannotCreateDirectory, path: creating.path)
            }
            let descriptor = open(creating.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                let number = errno
                if descriptor >= 0 { close(descriptor) }
                rmdir(creating.path)
                throw OutputError.posix(.cannotCreateDirectory, path: creating.path, errno: number)
            }
            let staging = outputDirectory.appendingPathComponent(stagingPrefix + suffix, isDirectory: true)
            guard rename(creating.path, staging.path) == 0 else {
                let number = errno
                close(descriptor)
                rmdir(creating.path)
                throw OutputError.posix(.cannotCreateDirectory, path: staging.path, errno: number)
            }
            return (staging, descriptor)
        }
        throw OutputError(.cannotCreateDirectory, path: outputDirectory.path, reason: "no free staging name")
    }

    /// Removes the staging folders of runs that were killed (no process holds their lock). A
    /// `.creating-` folder is taken only when it is an hour old: a run may be naming it now.
    static func removeAbandonedStaging(in outputDirectory: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: outputDirectory.path) else { return }
        for name in names where name.hasPrefix(stagingPrefix) || name.hasPrefix(creatingPrefix) {
            let url = outputDirectory.appendingPathComponent(name, isDirectory: true)
            if name.hasPrefix(creatingPrefix) {
                guard let modified = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date,
                    modified < Date(timeIntervalSinceNow: -3600)
                else { continue }
            }
            let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue } // a live run's
            try? FileManager.default.removeItem(at: url)
        }
    }

    /// Makes the period folder when missing and locks it (`flock` on the folder itself) for a
    /// commit, waiting at most `timeout` for another run's commit to finish. Returns the
    /// descriptor to close.
    static func lockPeriodDirectory(_ url: URL, timeout: Duration) throws -> Int32 {
        try makeDirectories(url)
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OutputError.posix(.cannotWrite, path: url.path) }
        let deadline = ContinuousClock.now + timeout
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                let error = OutputError.posix(.cannotWrite, path: url.path)
                close(descriptor)
                throw error
            }
            guard ContinuousClock.now < deadline else {
                close(descriptor)
                throw OutputError(
                    .locked, path: url.path,
                    reason: " (its lock was held for more than \(timeout.formatted(.units(allowed: [.hours, .minutes, .seconds], width: .narrow))))")
            }
            usleep(50_000)
        }
        return descriptor
    }

    private func mergedManifest(
        previous: OutputManifest?, toolVersion: String, generatedAt: Date,
        options: [Reproducibility.Setting]
    ) -> OutputManifest {
        let rewritten = Set(files.map(\.path))
        let kept = (previous?.files ?? []).filter { file in
            !rewritten.contains(file.path) && Self.isPlainFileName(file.path)
                && FileManager.default.fileExists(atPath: periodDirectory.appendingPathComponent(file.path).path)
        }
        let allFiles = (kept + files).sorted { $0.path < $1.path }
        let reportsWithFiles = Set(allFiles.map(\.report))
        var allReports = reports
        for report in previous?.reports ?? [] where allReports[report.report] == nil && reportsWithFiles.contains(report.report) {
            allReports[report.report] = report
        }
        return OutputManifest(
            period: period, generatedAt: MachineText.timestamp(generatedAt), toolVersion: toolVersion,
            options: options,
            reports: allReports.values.sorted { $0.report < $1.report }, files: allFiles)
    }

    // MARK: - Files

    /// One path component that is not hidden: no `/`, no NUL, not `.` or `..`, no leading dot
    /// (which keeps names clear of the staging folders).
    static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\u{0}") && name.utf8.count <= 255
    }

    /// The previous manifest; nil when there is none or it cannot be read (it is then replaced).
    static func readManifest(at url: URL) -> OutputManifest? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? OutputManifest.decode(data)
    }

    static func makeDirectories(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw OutputError.posix(.cannotCreateDirectory, path: url.path, errno: ENOTDIR) }
            guard access(url.path, W_OK | X_OK) == 0 else { throw OutputError.posix(.cannotCreateDirectory, path: url.path) }
            return
        }
        let parent = url.deletingLastPathComponent()
        if parent.path != url.path { try makeDirectories(parent) }
        guard mkdir(url.path, 0o755) == 0 || errno == EEXIST else {
            throw OutputError.posix(.cannotCreateDirectory, path: url.path)
        }
    }

    /// 0644 masked by the process's umask: never group- or world-writable unless the umask says so.
    static let fileMode: mode_t = {
        let mask = umask(0o022)
        umask(mask)
        return 0o644 & ~mask
    }()

    static func writeFile(_ data: Data, to url: URL) throws {
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw OutputError.posix(.cannotWrite, path: url.path) }
        defer { close(descriptor) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw OutputError.posix(.cannotWrite, path: url.path)
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw OutputError.posix(.cannotWrite, path: url.path) }
    }

    /// Size and SHA-256 of the file, read back in 1 MiB blocks, and flushed to disk.
    static func hashAndSync(_ url: URL) throws -> (Int, String) {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OutputError.posix(.cannotWrite, path: url.path) }
        defer { close(descriptor) }
        var hasher = SHA256()
        var size = 0
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress!, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw OutputError.posix(.cannotWrite, path: url.path)
            }
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            size += count
        }
        guard fsync(descriptor) == 0 else { throw OutputError.posix(.cannotWrite, path: url.path) }
        // Whichever renderer created it (libxlsxwriter and Foundation create files 0666 & ~umask),
        // every output gets the mode of `writeFile`.
        guard fchmod(descriptor, fileMode) == 0 else { throw OutputError.posix(.cannotWrite, path: url.path) }
        return (size, hasher.finalizeHex())
    }

    /// Makes the renames durable (best effort: not every file system can sync a directory).
    static func syncDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }
}

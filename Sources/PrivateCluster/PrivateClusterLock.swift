import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An exclusive `flock` on `<directory>/lock`, held while one process creates, starts or stops
/// the cluster, so two parallel starts never both run initdb. Released on `release()`, or by
/// the kernel when the process dies.
final class ClusterLock {
    private var descriptor: Int32

    /// Waits until the lock is ours.
    init(path: String) throws {
        // O_CLOEXEC: a server started while we hold the lock must not inherit it.
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ClusterError(.directoryNotWritable, path: path, detail: String(cString: strerror(errno)))
        }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw ClusterError(.directoryNotWritable, path: path, detail: "cannot lock it: \(reason)")
            }
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        flock(descriptor, LOCK_UN)
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}

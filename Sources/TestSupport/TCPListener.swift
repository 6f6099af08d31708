import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A socket listening on 127.0.0.1 at a free port, to occupy a port in tests.
public final class TCPListener {
    public let port: Int
    private var descriptor: Int32

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        // The private clusters count ports upward from 54330; take one from the same range.
        for candidate in 54_900..<55_400 {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(candidate).bigEndian)
            address.sin_addr = in_addr(s_addr: inet_addr("127.0.0.1"))
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0, listen(descriptor, 1) == 0 {
                self.port = candidate
                self.descriptor = descriptor
                return
            }
        }
        Glibc.close(descriptor)
        throw POSIXError(.EADDRINUSE)
    }

    public func close() {
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }
    }

    deinit { close() }
}

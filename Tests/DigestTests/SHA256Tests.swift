import Digest
import Foundation
import Testing

/// Known answers for SHA-256: the FIPS 180-4 example messages and CAVP vectors, and messages
/// around the 64-byte block boundary. The digests come from Python's hashlib
/// (`scripts/generate-sha256-vectors.py` prints them).
@Suite struct SHA256Tests {
    struct Vector: CustomTestStringConvertible, Sendable {
        var name: String
        var message: [UInt8]
        var digest: String
        var testDescription: String { "\(name) (\(message.count) bytes)" }

        init(_ name: String, _ message: [UInt8], _ digest: String) {
            self.name = name
            self.message = message
            self.digest = digest
        }
    }

    static let fips448 = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    static let fips896 = Array(
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu".utf8)

    static func a(_ count: Int) -> [UInt8] { [UInt8](repeating: UInt8(ascii: "a"), count: count) }

    static let vectors: [Vector] = [
        Vector("empty", [], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Vector("abc", Array("abc".utf8), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Vector("448 bits", fips448, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        Vector("896 bits", fips896, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        Vector("55 a: the length still fits the last block", a(55), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        Vector("56 a: the length needs a second block", a(56), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        Vector("63 a", a(63), "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        Vector("64 a: exactly one block", a(64), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        Vector("65 a", a(65), "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
    ]

    static let millionA = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"

    @Test(arguments: vectors) func bytesInOneCall(_ vector: Vector) {
        #expect(SHA256.hex(of: vector.message) == vector.digest)
    }

    @Test(arguments: vectors) func bufferInOneCall(_ vector: Vector) {
        var hasher = SHA256()
        vector.message.withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalizeHex() == vector.digest)
    }

    @Test func oneMillionA() {
        let message = Self.a(1_000_000)
        #expect(SHA256.hex(of: message) == Self.millionA)
        var hasher = SHA256()
        message.withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalizeHex() == Self.millionA)
    }

    /// The one-million-"a" vector fed the way the CAVP describes it, 1000 times 1000 bytes,
    /// so pending bytes carry over between calls.
    @Test func oneMillionAInThousandByteUpdates() {
        let chunk = Self.a(1000)
        var hasher = SHA256()
        for _ in 0..<1000 { chunk.withUnsafeBytes { hasher.update($0) } }
        #expect(hasher.finalizeHex() == Self.millionA)
    }

    /// Every split of a message into two updates, through both update functions and mixed,
    /// gives the digest of the whole message.
    @Test(arguments: [vectors[3], vectors[7], vectors[8]]) func everySplitGivesTheSameDigest(_ vector: Vector) {
        for split in 0...vector.message.count {
            let head = Array(vector.message[..<split]), tail = Array(vector.message[split...])
            var sequences = SHA256(), buffers = SHA256(), mixed = SHA256()
            sequences.update(head)
            sequences.update(tail)
            head.withUnsafeBytes { buffers.update($0) }
            tail.withUnsafeBytes { buffers.update($0) }
            mixed.update(head)
            tail.withUnsafeBytes { mixed.update($0) }
            #expect(sequences.finalizeHex() == vector.digest, "split at \(split), sequence updates")
            #expect(buffers.finalizeHex() == vector.digest, "split at \(split), buffer updates")
            #expect(mixed.finalizeHex() == vector.digest, "split at \(split), mixed updates")
        }
    }

    @Test func emptyUpdatesChangeNothing() {
        var hasher = SHA256()
        hasher.update([UInt8]())
        [UInt8]().withUnsafeBytes { hasher.update($0) }
        hasher.update(Array("abc".utf8))
        [UInt8]().withUnsafeBytes { hasher.update($0) }
        #expect(hasher.finalizeHex() == Self.vectors[1].digest)
    }
}

/// Writes rows in PostgreSQL COPY text format into a private block, handing full blocks to
/// the caller's buffer.
///
/// Digits, dates, UUIDs and money are written byte by byte, never through Foundation
/// formatting, so output is exact and fast. Callers end every row with `endRow(into:)`;
/// a single row must stay below `rowLimit` bytes.
struct CopyTextWriter: ~Copyable {
    static let blockSize = 64 * 1024
    static let rowLimit = 4 * 1024

    private let start: UnsafeMutablePointer<UInt8>
    private var cursor: UnsafeMutablePointer<UInt8>
    private let flushMark: UnsafeMutablePointer<UInt8>

    init() {
        start = .allocate(capacity: Self.blockSize + Self.rowLimit)
        cursor = start
        flushMark = start + Self.blockSize
    }

    deinit {
        start.deallocate()
    }

    // MARK: Row structure

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        cursor.pointee = value
        cursor += 1
    }

    /// The field separator.
    @inline(__always)
    mutating func tab() {
        byte(0x09)
    }

    /// SQL NULL, `\N`.
    @inline(__always)
    mutating func null() {
        byte(0x5C)
        byte(0x4E)
    }

    /// Ends a row; when the block is full, appends it to `buffer`.
    @inline(__always)
    mutating func endRow(into buffer: inout [UInt8]) {
        byte(0x0A)
        if cursor >= flushMark {
            flush(into: &buffer)
        }
    }

    /// Appends everything written so far to `buffer`.
    mutating func flush(into buffer: inout [UInt8]) {
        let count = cursor - start
        if count > 0 {
            buffer.append(contentsOf: UnsafeBufferPointer(start: start, count: count))
        }
        cursor = start
    }

    // MARK: Text

    /// Bytes that are already valid COPY text (no backslash, tab, newline or carriage return).
    @inline(__always)
    mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        cursor.update(from: base, count: bytes.count)
        cursor += bytes.count
    }

    @inline(__always)
    mutating func raw(_ bytes: UnsafeBufferPointer<UInt8>, from offset: Int, count: Int) {
        guard let base = bytes.baseAddress else { return }
        cursor.update(from: base + offset, count: count)
        cursor += count
    }

    mutating func raw(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { raw($0) }
    }

    mutating func raw(_ text: StaticString) {
        raw(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Any text, escaped for COPY: backslash, tab, newline and carriage return become
    /// `\\`, `\t`, `\n` and `\r`.
    mutating func escaped(_ bytes: [UInt8]) {
        for value in bytes {
            switch value {
            case 0x5C:
                byte(0x5C)
                byte(0x5C)
            case 0x09:
                byte(0x5C)
                byte(0x74)
            case 0x0A:
                byte(0x5C)
                byte(0x6E)
            case 0x0D:
                byte(0x5C)
                byte(0x72)
            default: byte(value)
            }
        }
    }

    // MARK: Numbers

    /// A decimal integer.
    @inline(__always)
    mutating func integer(_ value: Int) {
        if value < 0 { byte(0x2D) }
        var rest = value.magnitude
        var digits = 1
        var probe = rest
        while probe >= 10 {
            probe /= 10
            digits += 1
        }
        var position = cursor + digits
        repeat {
            position -= 1
            position.pointee = 0x30 &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        } while rest > 0
        cursor += digits
    }

    /// A non-negative integer with leading zeros to `width` digits.
    @inline(__always)
    mutating func zeroPadded(_ value: Int, width: Int) {
        var rest = value
        var position = cursor + width
        while position > cursor {
            position -= 1
            position.pointee = 0x30 &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        }
        cursor += width
    }

    /// An amount in hundredths as exact decimal text, e.g. 12345 → `123.45`, 5 → `0.05`.
    @inline(__always)
    mutating func hundredths(_ value: Int) {
        if value < 0 { byte(0x2D) }
        let magnitude = Int(value.magnitude)
        integer(magnitude / 100)
        byte(0x2E)
        zeroPadded(magnitude % 100, width: 2)
    }

    /// A version 4 UUID in lowercase hex, from 128 random bits.
    @inline(__always)
    mutating func uuid(_ high: UInt64, _ low: UInt64) {
        let high = (high & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let low = (low & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        hex(high >> 32, digits: 8)
        byte(0x2D)
        hex(high >> 16, digits: 4)
        byte(0x2D)
        hex(high, digits: 4)
        byte(0x2D)
        hex(low >> 48, digits: 4)
        byte(0x2D)
        hex(low, digits: 12)
    }

    @inline(__always)
    private mutating func hex(_ value: UInt64, digits: Int) {
        var rest = value
        var position = cursor + digits
        while position > cursor {
            position -= 1
            let nibble = UInt8(truncatingIfNeeded: rest & 0xF)
            position.pointee = nibble < 10 ? 0x30 &+ nibble : 0x57 &+ nibble
            rest >>= 4
        }
        cursor += digits
    }
}

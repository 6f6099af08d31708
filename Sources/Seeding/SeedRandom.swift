/// Counter-based randomness: every value is a pure function of (seed, salt, counter).
///
/// SplitMix64 (Steele, Lea and Flood, 2014) as both the hash that derives a stream's state
/// and the generator that walks it, so any row can be regenerated alone, in any order,
/// on any thread. Only integer arithmetic and exact IEEE operations are used, so the
/// same inputs give the same bits on every platform.
@inline(__always)
func mix64(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// Combines a key with a counter into a new, well-mixed key.
@inline(__always)
func mix64(_ key: UInt64, _ counter: Int) -> UInt64 {
    mix64(key ^ mix64(UInt64(truncatingIfNeeded: counter) &* 0xD1B5_4A32_D192_ED03 &+ 0x2545_F491_4F6C_DD1D))
}

/// A key for one purpose (a table, a test, a partner) of one seed.
func seedKey(_ seed: UInt64, salt: String) -> UInt64 {
    // FNV-1a over the salt's UTF-8 bytes: stable across processes, unlike `Hasher`.
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in salt.utf8 {
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    return mix64(mix64(seed) ^ hash)
}

/// A SplitMix64 stream for one row.
struct RowRandom {
    private var state: UInt64

    init(key: UInt64, index: Int) {
        state = mix64(key, index)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix64(state)
    }

    /// Uniform in `0..<bound` (multiply-high; the bias is below 2⁻³² for our bounds).
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    @inline(__always)
    mutating func unit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// True with probability `perMillion` / 1 000 000.
    @inline(__always)
    mutating func chance(perMillion: Int) -> Bool {
        below(1_000_000) < perMillion
    }
}

/// Uniform in `0..<bound` from an already drawn 64-bit value.
@inline(__always)
func scaled(_ bits: UInt64, below bound: Int) -> Int {
    Int(truncatingIfNeeded: bits.multipliedFullWidth(by: UInt64(bound)).high)
}

/// Uniform in `[0, 1)` from an already drawn 64-bit value.
@inline(__always)
func unitValue(_ bits: UInt64) -> Double {
    Double(bits >> 11) * 0x1.0p-53
}

/// The seeded population and its e-mail addresses.
///
/// Users are numbered by activity rank (0 = most active). Activity is skewed — the product
/// of two uniforms has density −ln x, so the busiest users act about 1 + ln N times as often
/// as the average one and many act once or never — which gives attribution paths of one to
/// a dozen touches. A seed-dependent bijection scatters ranks over the e-mail numbers
/// `user0000000@example.com` … so busy users are not the low numbers.
struct UserPool: Sendable {
    /// Users who take viral actions (ranks `0..<viralUsers`).
    let viralUsers: Int
    /// Users who visit the site: A/B test subjects and occasional buyers (ranks `0..<siteUsers`).
    let siteUsers: Int
    /// Every e-mail number lies in `0..<space`.
    let space: Int
    private let multiplier: Int
    private let offset: Int
    private let digits: Int

    init(seed: UInt64, viralUsers: Int) {
        self.viralUsers = max(viralUsers, 1)
        siteUsers = 2 * self.viralUsers
        let space = 4 * self.viralUsers
        self.space = space
        let candidates = [1_000_003, 998_244_353, 2_147_483_647]
        multiplier = candidates.first { gcd($0, space) == 1 } ?? 1
        offset = scaled(seedKey(seed, salt: "user_pool"), below: space)
        digits = max(7, String(space - 1).count)
    }

    /// A viral actor, skewed towards busy users.
    @inline(__always)
    func viralUser(_ random: inout RowRandom) -> Int {
        Swift.min(Int(random.unit() * random.unit() * Double(viralUsers)), viralUsers - 1)
    }

    /// A site visitor, skewed towards busy users; the busiest are also the viral actors.
    @inline(__always)
    func siteUser(_ random: inout RowRandom) -> Int {
        Swift.min(Int(random.unit() * random.unit() * Double(siteUsers)), siteUsers - 1)
    }

    /// Any site visitor, uniformly.
    @inline(__always)
    func uniformSiteUser(_ random: inout RowRandom) -> Int {
        random.below(siteUsers)
    }

    /// The e-mail number of a user rank.
    @inline(__always)
    func emailNumber(ofUser user: Int) -> Int {
        (user &* multiplier &+ offset) % space
    }

    /// `user0123456@example.com` (COPY-safe, needs no escaping).
    @inline(__always)
    func writeEmail(ofUser user: Int, to writer: inout CopyTextWriter) {
        writer.raw("user")
        writer.zeroPadded(emailNumber(ofUser: user), width: digits)
        writer.raw("@example.com")
    }
}

private func gcd(_ a: Int, _ b: Int) -> Int {
    b == 0 ? a : gcd(b, a % b)
}

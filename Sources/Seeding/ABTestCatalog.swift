/// The experiments of the seed: who runs when, with which variants, and what really works.
///
/// A plan uses the first `SeedSizes.abTests` of them; the first six already hold every case
/// the readout must handle — running and ended tests, real effects, no effect, a worse
/// variant, four variants, and the one test with a sample-ratio mismatch.
struct ABTestSpec: Sendable {
    enum Event: Sendable {
        case signup, purchase
        /// Converters sign up (60 %) or buy (40 %).
        case mixed
    }

    var name: String
    /// The first is always `control`.
    var variants: [String]
    /// Control's conversion rate.
    var baseRate: Double
    /// The true relative effect of each variant in percent (control 0).
    var effects: [Int]
    var event: Event
    /// Day indexes (0..<182) on which users are assigned.
    var days: ClosedRange<Int>
    /// Relative assignments per day.
    var traffic: Int
    var hasSampleRatioMismatch = false

    static let catalog: [ABTestSpec] = [
        ABTestSpec(
            name: "checkout_button_color", variants: ["control", "green_button", "orange_button"],
            baseRate: 0.06, effects: [0, 18, 0], event: .purchase, days: 98...181, traffic: 3),
        ABTestSpec(
            name: "pricing_page_v2", variants: ["control", "variant_b"],
            baseRate: 0.04, effects: [0, 25], event: .purchase, days: 126...181, traffic: 3),
        ABTestSpec(
            name: "onboarding_email_cadence", variants: ["control", "daily_digest", "weekly_digest"],
            baseRate: 0.12, effects: [0, 0, 0], event: .signup, days: 28...111, traffic: 2),
        ABTestSpec(
            name: "signup_form_length", variants: ["control", "short_form"],
            baseRate: 0.10, effects: [0, 12], event: .signup, days: 70...181, traffic: 3,
            hasSampleRatioMismatch: true),
        ABTestSpec(
            name: "referral_reward_amount", variants: ["control", "reward_10", "reward_25", "reward_50"],
            baseRate: 0.03, effects: [0, 10, 15, 30], event: .purchase, days: 84...181, traffic: 2),
        ABTestSpec(
            name: "homepage_hero_copy", variants: ["control", "benefit_headline"],
            baseRate: 0.08, effects: [0, -18], event: .signup, days: 112...167, traffic: 2),
        ABTestSpec(
            name: "free_trial_length", variants: ["control", "trial_14d", "trial_30d"],
            baseRate: 0.09, effects: [0, 8, 20], event: .mixed, days: 0...90, traffic: 2),
        ABTestSpec(
            name: "share_prompt_timing", variants: ["control", "after_purchase"],
            baseRate: 0.05, effects: [0, 0], event: .purchase, days: 140...181, traffic: 2),
        ABTestSpec(
            name: "partner_badge_display", variants: ["control", "badge_visible"],
            baseRate: 0.07, effects: [0, 15], event: .signup, days: 42...139, traffic: 2),
        ABTestSpec(
            name: "mobile_nav_redesign", variants: ["control", "bottom_tabs"],
            baseRate: 0.11, effects: [0, 0], event: .signup, days: 154...181, traffic: 3),
        ABTestSpec(
            name: "linkedin_share_copy", variants: ["control", "variant_b", "variant_c"],
            baseRate: 0.025, effects: [0, 20, 0], event: .purchase, days: 56...125, traffic: 2),
        ABTestSpec(
            name: "annual_plan_discount", variants: ["control", "discount_15", "discount_25"],
            baseRate: 0.035, effects: [0, 10, 22], event: .purchase, days: 119...181, traffic: 2),
        ABTestSpec(
            name: "exit_intent_modal", variants: ["control", "variant_b"],
            baseRate: 0.065, effects: [0, 0], event: .signup, days: 14...76, traffic: 2),
        ABTestSpec(
            name: "testimonial_carousel", variants: ["control", "static_quotes"],
            baseRate: 0.045, effects: [0, 0], event: .purchase, days: 91...160, traffic: 1),
        ABTestSpec(
            name: "search_autocomplete", variants: ["control", "variant_b"],
            baseRate: 0.15, effects: [0, 6], event: .signup, days: 35...104, traffic: 2),
        ABTestSpec(
            name: "cart_reminder_email", variants: ["control", "reminder_1h", "reminder_24h"],
            baseRate: 0.055, effects: [0, 28, 12], event: .purchase, days: 133...181, traffic: 2),
        ABTestSpec(
            name: "dark_mode_default", variants: ["control", "dark_default"],
            baseRate: 0.02, effects: [0, 0], event: .signup, days: 63...146, traffic: 1),
        ABTestSpec(
            name: "invite_flow_v3", variants: ["control", "variant_b", "one_click_invite", "contact_import"],
            baseRate: 0.09, effects: [0, 5, 25, 10], event: .mixed, days: 105...181, traffic: 3),
        ABTestSpec(
            name: "upsell_banner_position", variants: ["control", "top_banner"],
            baseRate: 0.04, effects: [0, 10], event: .purchase, days: 7...69, traffic: 2),
        ABTestSpec(
            name: "review_request_timing", variants: ["control", "day_3", "day_7"],
            baseRate: 0.03, effects: [0, 14, 0], event: .purchase, days: 147...181, traffic: 2),
    ]

    /// The tests of a history of `dayCount` days: the first `baseCount` of the catalog on the
    /// last 26 weeks under their own names, then the same again on each earlier 26 weeks under
    /// names of their own (`checkout_button_color_r1` one span back, `_r2` two), so that on a
    /// long history most tests have ended and no name is reused. A shorter history keeps the
    /// tests that reach into it, cut at its first day.
    static func schedule(baseCount: Int, dayCount: Int) -> [ABTestSpec] {
        let base = Array(catalog.prefix(baseCount))
        let span = SeedCalendar.baseDayCount
        guard dayCount != span else { return base }
        var tests: [ABTestSpec] = []
        var back = 0
        while true {
            let offset = dayCount - span * (back + 1)
            tests += base.compactMap { spec in
                guard spec.days.upperBound + offset >= 0 else { return nil }
                var shifted = spec
                shifted.days = max(0, spec.days.lowerBound + offset)...(spec.days.upperBound + offset)
                if back > 0 { shifted.name += "_r\(back)" }
                return shifted
            }
            guard offset > 0 else { return tests }
            back += 1
        }
    }

    /// True conversion rate of variant `index`.
    func rate(ofVariant index: Int) -> Double {
        baseRate * Double(100 + effects[index]) / 100
    }
}

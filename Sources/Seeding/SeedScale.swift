/// How much data `db seed` generates.
public enum SeedScale: String, CaseIterable, Sendable {
    case small, medium, large
}

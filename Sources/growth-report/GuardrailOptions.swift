import ArgumentParser

/// `--guardrail EVENT` (repeatable): `conversion_events` event types that must not get worse,
/// for the A/B readout wherever it is built (ab-test, exec-summary, weekly).
struct GuardrailOptions: ParsableArguments {
    @Option(
        name: .customLong("guardrail"),
        help: ArgumentHelp("A conversion_events event type that must not get worse, e.g. refund (repeatable).", valueName: "event"))
    var events: [String] = []

    func validate() throws {
        if let empty = events.first(where: { $0.isEmpty }) {
            throw ValidationError("--guardrail needs an event type, e.g. --guardrail refund (got '\(empty)').")
        }
    }
}

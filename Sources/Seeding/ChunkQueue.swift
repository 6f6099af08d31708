import Foundation

/// A bounded queue of byte chunks between the thread that generates rows and the one that
/// sends them, so generation and PostgreSQL's COPY run at the same time in flat memory.
final class ChunkQueue: @unchecked Sendable {
    /// Rows in COPY text format, and how many.
    struct Chunk: Sendable {
        var bytes: [UInt8]
        var rows: Int
    }

    private let condition = NSCondition()
    private var chunks: [Chunk] = []
    private var finished = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Blocks while the queue is full. Returns false when the consumer has cancelled.
    func push(_ chunk: Chunk) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        chunks.append(chunk)
        condition.broadcast()
        return true
    }

    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk, or nil when the producer has finished and everything was taken.
    func pop() -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !finished { condition.wait() }
        if chunks.isEmpty { return nil }
        let chunk = chunks.removeFirst()
        condition.broadcast()
        return chunk
    }

    /// Stops the producer at its next push.
    func cancel() {
        condition.lock()
        cancelled = true
        chunks.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

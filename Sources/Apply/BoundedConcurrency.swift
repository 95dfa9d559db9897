/// Runs `body` over `items` with at most `limit` in flight, reporting each result to `progress`
/// as it completes; returns the results in completion order.
func runBounded<Item: Sendable, Result: Sendable>(
    _ items: [Item], limit: Int,
    body: @escaping @Sendable (Item) async -> Result,
    progress: @escaping @Sendable (Result) async -> Void
) async -> [Result] {
    var results: [Result] = []
    await withTaskGroup(of: Result.self) { group in
        var next = 0
        func launch() {
            guard next < items.count else { return }
            let item = items[next]
            next += 1
            group.addTask { await body(item) }
        }
        for _ in 0..<min(max(1, limit), items.count) { launch() }
        for await result in group {
            results.append(result)
            await progress(result)
            launch()
        }
    }
    return results
}

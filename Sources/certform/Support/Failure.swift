import ArgumentParser
import States

/// Prints a library error as `error: …` and exits 1: the one place commands turn errors into exit
/// codes.
enum Failure {
    static func report<T>(_ body: () throws(StateError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            Console.error("error: \(error)")
            throw ExitCode.failure
        }
    }

    static func report<T>(_ body: () async throws(StateError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            Console.error("error: \(error)")
            throw ExitCode.failure
        }
    }
}

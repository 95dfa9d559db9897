import Foundation
import Hummingbird
import Logging
import NIOCore

/// Runs the sandbox as an HTTP server until SIGINT or SIGTERM.
public enum SandboxServer {
    /// Starts the server; `onListening` gets `http://HOST:PORT` with the real port.
    public static func run(configuration: SandboxConfiguration, onListening: @escaping @Sendable (String) -> Void) async throws {
        let store = try OrderStore(configuration: configuration)
        var logger = Logger(label: "certcentral-sandbox")
        logger.logLevel = .error
        let host = configuration.host
        let app = Application(
            router: SandboxRouter.make(store: store, apiKey: configuration.apiKey),
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: "certcentral-sandbox"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                let shown = host.contains(":") ? "[\(host)]" : host
                onListening("http://\(shown):\(port)")
            },
            logger: logger)
        try await app.runService()
    }
}

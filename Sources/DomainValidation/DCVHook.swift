import CertCentralAPI
import Foundation

/// A command run once per domain to publish a DCV token and, once the order is issued, to remove
/// it again — as certbot's `--manual-auth-hook`/`--manual-cleanup-hook` and lego's exec provider
/// do (SPEC §6). It runs with `/bin/sh -c`, standard input from /dev/null, and the variables
/// below added to certform's environment; the API key (`DIGICERT_API_KEY`) is taken out of it.
public struct DCVHook: Sendable {
    public enum Action: String, Sendable, Hashable {
        case publish, cleanup
    }

    /// One run of the hook.
    public struct Run: Sendable, Hashable {
        public var action: Action
        public var domain: String
        /// The exit status, nil when the command could not start or was stopped.
        public var exitStatus: Int32?
        /// The end of what it wrote to standard output and standard error (at most 4 KiB).
        public var output: String
        /// Why it failed to run, when it did not exit by itself.
        public var problem: String?

        public var succeeded: Bool { exitStatus == 0 && problem == nil }
    }

    public var command: String
    /// A run that takes longer is stopped (SIGTERM, then SIGKILL) and counts as failed.
    public var timeout: TimeInterval
    /// The environment a run starts from (certform's own by default), before the API key is
    /// taken out and the variables below are added.
    public var environment: [String: String]

    public init(command: String, timeout: TimeInterval = 300, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.command = command
        self.timeout = timeout
        self.environment = environment
    }

    /// The variables a run adds to the environment.
    public static func variables(_ action: Action, task: DCVTask, name: String, orderID: Int) -> [String: String] {
        var variables = [
            "CERTFORM_DCV_ACTION": action.rawValue,
            "CERTFORM_DCV_METHOD": task.method.rawValue,
            "CERTFORM_DCV_DOMAIN": task.domain,
            "CERTFORM_DCV_RECORD": task.record,
            "CERTFORM_DCV_VALUE": task.value,
            "CERTFORM_DCV_TYPE": task.kind.rawValue,
            "CERTFORM_NAME": name,
            "CERTFORM_ORDER_ID": String(orderID),
        ]
        if let url = task.url { variables["CERTFORM_DCV_URL"] = url }
        return variables
    }

    /// Variables never passed on to a hook.
    static let withheld: Set<String> = ["DIGICERT_API_KEY"]

    /// Runs the hook for `task` and waits for it (off the cooperative thread pool).
    public func run(_ action: Action, task: DCVTask, name: String, orderID: Int) async -> Run {
        let environment = environment.filter { !Self.withheld.contains($0.key) }
            .merging(Self.variables(action, task: task, name: name, orderID: orderID)) { $1 }
        let command = command, timeout = timeout
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<HookProcess.Outcome, Never>) in
            Thread.detachNewThread {
                continuation.resume(returning: HookProcess.run(command, environment: environment, timeout: timeout))
            }
        }
        return Run(action: action, domain: task.domain, exitStatus: outcome.exitStatus, output: outcome.output, problem: outcome.problem)
    }
}

/// The blocking part: spawn `/bin/sh -c COMMAND` in a process group of its own, collect its
/// output, and stop the whole group at the timeout. The channel is close-on-exec, so that no other
/// process spawned meanwhile inherits it (and holds it open).
enum HookProcess {
    struct Outcome {
        var exitStatus: Int32?
        var output: String
        var problem: String?
    }

    static let outputLimit = 4096

    static func run(_ command: String, environment: [String: String], timeout: TimeInterval) -> Outcome {
        var fds: [Int32] = [-1, -1]
        // A socket pair can be made close-on-exec atomically (pipe2 is not visible from Swift).
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else { return Outcome(exitStatus: nil, output: "", problem: "no pipe: \(String(cString: strerror(errno)))") }
        let pid = spawn(command, environment: environment, output: fds[1])
        close(fds[1])
        guard let pid else {
            close(fds[0])
            return Outcome(exitStatus: nil, output: "", problem: "it could not be started: \(String(cString: strerror(errno)))")
        }
        var collected = Collected(limit: outputLimit)
        let status = collect(from: fds[0], pid: pid, timeout: timeout, into: &collected)
        close(fds[0])
        let output = String(decoding: collected.bytes.suffix(outputLimit), as: UTF8.self)
        switch status {
        case .timedOut: return Outcome(exitStatus: nil, output: output, problem: "it was stopped after \(Int(timeout)) s")
        case .signalled(let signal): return Outcome(exitStatus: nil, output: output, problem: "it was killed by signal \(signal)")
        case .exited(let code): return Outcome(exitStatus: code, output: output, problem: nil)
        }
    }

    /// posix_spawn with standard input from /dev/null, standard output and error into `output`,
    /// in a new process group; nil when it could not start.
    static func spawn(_ command: String, environment: [String: String], output: Int32) -> pid_t? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        let variables: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (arguments + variables).forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/sh", &actions, &attributes, arguments, variables) == 0 else { return nil }
        return pid
    }

    enum Status {
        case exited(Int32), signalled(Int32), timedOut
    }

    struct Collected {
        var bytes: [UInt8] = []
        let limit: Int

        init(limit: Int) { self.limit = limit }

        mutating func append(_ chunk: ArraySlice<UInt8>) {
            bytes.append(contentsOf: chunk)
            if bytes.count > limit * 2 { bytes.removeFirst(bytes.count - limit) }
        }
    }

    /// Reads `fd` until the child has exited and the pipe is drained (or, when a process the hook
    /// left behind holds it open, two seconds more); stops the group at the deadline.
    static func collect(from fd: Int32, pid: pid_t, timeout: TimeInterval, into collected: inout Collected) -> Status {
        let deadline = Date().addingTimeInterval(timeout)
        var exit: Status?
        var stopped: Date?
        var drainUntil: Date?
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 50) > 0 {
                let count = read(fd, &buffer, buffer.count)
                if count > 0 {
                    collected.append(buffer[0..<count])
                } else if exit != nil {
                    break
                } else {
                    usleep(20_000)  // closed but not exited yet: do not spin
                }
            }
            if exit == nil { exit = reap(pid) }
            if exit != nil {
                if drainUntil == nil { drainUntil = Date().addingTimeInterval(2) }
                if Date() >= drainUntil! { break }
                continue
            }
            if Date() >= deadline, stopped == nil {
                kill(-pid, SIGTERM)
                stopped = Date()
            } else if let since = stopped, Date().timeIntervalSince(since) > 5 {
                kill(-pid, SIGKILL)
            }
        }
        return stopped != nil ? .timedOut : exit!
    }

    /// The child's status once it has exited, without waiting.
    static func reap(_ pid: pid_t) -> Status? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }
}

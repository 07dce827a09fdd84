import CReadline
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The signals the shell handles itself (SIGINT, SIGWINCH, SIGTSTP, SIGHUP, SIGTERM), turned into
/// events: the C handler in CReadline.c only writes the signal number into a pipe.
///
/// - While the user edits, the shell loop `wait`s on the terminal and the editing pipe together,
///   so Ctrl-C abandons the line immediately, whatever readline is doing.
/// - While a statement runs (`setRunning(true)`), the handler writes into the running pipe, which a
///   dispatch source reads on its own thread: it calls `whileRunning` (which interrupts the backend),
///   and for SIGHUP/SIGTERM also records `terminationWhileRunning`, so that the shell leaves once
///   the statement has returned (the signal is also forwarded to the editing pipe, in case).
final class SignalPipe {
    enum Event: Equatable {
        /// The watched descriptor has input (or hung up).
        case input
        /// These signals arrived while editing, in order.
        case signals([Int32])
        /// The wait was interrupted; wait again.
        case interrupted
        /// poll(2) failed with this errno.
        case failed(Int32)
    }

    private var watcher: DispatchSourceRead?
    private let termination = Locked<Int32>(0)

    /// SIGHUP or SIGTERM, when one arrived while a statement ran: the shell leaves after it.
    var terminationWhileRunning: Int32? {
        let signal = termination.withLock { $0 }
        return signal == 0 ? nil : signal
    }

    /// Installs the handler. Returns false (errno set) when the pipes cannot be created.
    func start(whileRunning: @escaping @Sendable (Int32) -> Void) -> Bool {
        guard watcher == nil else { return true }
        guard ally_signal_start() == 0 else { return false }
        let descriptor = ally_signal_running_fd()
        let termination = termination
        let source = DispatchSource.makeReadSource(fileDescriptor: descriptor,
                                                   queue: DispatchQueue(label: "ally.shell.signals"))
        source.setEventHandler {
            while case let signal = ally_signal_take(descriptor), signal != 0 {
                whileRunning(signal)
                if signal == SIGHUP || signal == SIGTERM {
                    termination.withLock { $0 = signal }
                    ally_signal_forward_to_editing(signal)
                }
            }
        }
        source.activate()
        watcher = source
        return true
    }

    /// Routes signals to the backend (true) or to the shell loop (false).
    func setRunning(_ running: Bool) {
        ally_signal_set_running(running ? 1 : 0)
    }

    /// Blocks until `descriptor` has input or a signal arrives; signals are reported first.
    func wait(forInputOn descriptor: Int32) -> Event {
        let ready = ally_signal_wait(descriptor)
        if ready < 0 { return .failed(errno) }
        if ready == 0 { return .interrupted }
        if ready & 2 != 0 {
            var signals: [Int32] = []
            while case let signal = ally_signal_take(ally_signal_editing_fd()), signal != 0 {
                signals.append(signal)
            }
            if !signals.isEmpty { return .signals(signals) }
        }
        return ready & 1 != 0 ? .input : .interrupted
    }

    /// Restores the previous signal actions and closes the pipes (after the watcher has stopped
    /// reading them: dispatch requires the descriptor to outlive the source).
    func stop() {
        guard let source = watcher else { return }
        watcher = nil
        let cancelled = DispatchSemaphore(value: 0)
        source.setCancelHandler { cancelled.signal() }
        source.cancel()
        cancelled.wait()
        ally_signal_stop()
    }
}

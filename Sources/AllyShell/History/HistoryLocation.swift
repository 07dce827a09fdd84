#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the history file lives (CLI.md): `$ALLY_HISTORY`, else `$XDG_STATE_HOME/ally/history`,
/// else `~/.local/state/ally/history`.
public enum HistoryLocation {
    /// The path for the given environment, or nil when there is no home folder to put it in.
    /// An empty variable counts as unset; a relative `XDG_STATE_HOME` is ignored, as the XDG base
    /// directory specification requires.
    public static func path(environment: (String) -> String?, homeDirectory: () -> String?) -> String? {
        if let explicit = environment("ALLY_HISTORY"), !explicit.isEmpty {
            return explicit
        }
        if let state = environment("XDG_STATE_HOME"), state.hasPrefix("/") {
            return join(state, "ally/history")
        }
        guard let home = homeDirectory(), !home.isEmpty else { return nil }
        return join(home, ".local/state/ally/history")
    }

    /// The path for this process: its environment, `$HOME` or the password database's home folder.
    public static func forCurrentProcess() -> String? {
        path(environment: variable(named:), homeDirectory: {
            if let home = variable(named: "HOME"), !home.isEmpty { return home }
            guard let entry = getpwuid(getuid()), let directory = entry.pointee.pw_dir else { return nil }
            return String(cString: directory)
        })
    }

    private static func variable(named name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    private static func join(_ folder: String, _ relative: String) -> String {
        folder.hasSuffix("/") ? folder + relative : folder + "/" + relative
    }
}

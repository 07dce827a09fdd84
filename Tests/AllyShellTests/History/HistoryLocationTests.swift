import Testing
@testable import AllyShell

@Suite struct HistoryLocationTests {
    private func path(_ environment: [String: String], home: String? = "/home/ana") -> String? {
        HistoryLocation.path(environment: { environment[$0] }, homeDirectory: { home })
    }

    @Test func explicitVariableWins() {
        #expect(path(["ALLY_HISTORY": "/tmp/h", "XDG_STATE_HOME": "/state"]) == "/tmp/h")
    }

    @Test func xdgStateHomeIsNext() {
        #expect(path(["XDG_STATE_HOME": "/state"]) == "/state/ally/history")
        #expect(path(["XDG_STATE_HOME": "/state/"]) == "/state/ally/history")
    }

    @Test func homeIsTheFallback() {
        #expect(path([:]) == "/home/ana/.local/state/ally/history")
        #expect(path(["ALLY_HISTORY": "", "XDG_STATE_HOME": ""]) == "/home/ana/.local/state/ally/history")
        #expect(path(["XDG_STATE_HOME": "relative/state"]) == "/home/ana/.local/state/ally/history")
    }

    @Test func noHomeMeansNoFile() {
        #expect(path([:], home: nil) == nil)
    }
}

import Foundation
import Testing
@testable import AllyKit

/// Parser nesting is bounded by the stack actually left, not only by a level count (issue #24):
/// on a thread with a small stack, nesting that fits the level limit is an error, not a crash.
@Suite struct StackGuardTests {
    @Test func deepNestingOnASmallStackIsAnError() async {
        let source = "partners | select x = " + String(repeating: "abs(", count: 255) + "1" + String(repeating: ")", count: 255)
        let codes: [String] = await withCheckedContinuation { continuation in
            let thread = Thread {
                let (_, diagnostics) = Parser.parse(SourceFile(name: "deep.ally", text: source))
                continuation.resume(returning: diagnostics.map(\.code.rawValue))
            }
            thread.stackSize = 320 * 1024
            thread.start()
        }
        #expect(codes == [DiagnosticCode.tooDeep.rawValue])
    }

    @Test func theMainStackLeavesRoomForTheLevelLimit() {
        let source = "partners | select x = " + String(repeating: "abs(", count: 200) + "1" + String(repeating: ")", count: 200)
        let (_, diagnostics) = Parser.parse(SourceFile(name: "deep.ally", text: source))
        #expect(diagnostics.isEmpty)
        #expect(StackGuard.floor() != nil)
    }
}

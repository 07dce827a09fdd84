#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How much of the current thread's stack is left, so that deep recursion (the parser's
/// nesting) stops with an error before it overflows. A level count alone is not enough: one
/// level's frame is several times larger under AddressSanitizer or in a debug build than in a
/// release build, and a test thread's stack is smaller than the main thread's.
enum StackGuard {
    /// Below this many bytes left, a recursive step refuses to go deeper.
    static let reserve = 256 * 1024

    /// The lowest address of the current thread's stack (stacks grow down), or nil where it
    /// cannot be asked.
    private static func stackBounds() -> ClosedRange<UInt>? {
        #if os(Linux)
        // glibc's pthread_getattr_np is not in Swift's Glibc module (it needs _GNU_SOURCE).
        typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np") else { return nil }
        let getAttributes = unsafeBitCast(symbol, to: GetAttributes.self)
        var attributes = pthread_attr_t()
        guard getAttributes(pthread_self(), &attributes) == 0 else { return nil }
        defer { pthread_attr_destroy(&attributes) }
        var base: UnsafeMutableRawPointer?
        var size = 0
        guard pthread_attr_getstack(&attributes, &base, &size) == 0, let base else { return nil }
        return UInt(bitPattern: base)...UInt(bitPattern: base) + UInt(size)
        #elseif canImport(Darwin)
        let thread = pthread_self()
        let high = UInt(bitPattern: pthread_get_stackaddr_np(thread))
        return (high - UInt(pthread_get_stacksize_np(thread)))...high
        #else
        return nil
        #endif
    }

    /// The address below which the current thread's stack is too short to go deeper (its low
    /// end plus `reserve`), or nil where the stack cannot be asked. Asked once per parse: on
    /// Linux the main thread's answer comes from /proc.
    static func floor() -> ClosedRange<UInt>? {
        stackBounds().map { ($0.lowerBound + UInt(reserve))...$0.upperBound }
    }

    /// True when the caller's frame is below the floor. A local that is not on the thread's
    /// stack at all (AddressSanitizer moves locals to a "fake stack" on the heap) measures
    /// nothing: then only the level count applies.
    @inline(never)
    static func isBelow(_ floor: ClosedRange<UInt>?) -> Bool {
        guard let floor else { return false }
        var marker = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        return here >= floor.lowerBound - UInt(reserve) && here < floor.lowerBound
    }
}

/// A calendar date without time zone, stored as days since 1970-01-01 so that
/// subtraction and comparison are integer operations.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var daysSinceEpoch: Int

    public init(daysSinceEpoch: Int) { self.daysSinceEpoch = daysSinceEpoch }

    /// nil when the month or day does not exist (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysIn(month: month, year: year),
              (1...9999).contains(year) else { return nil }
        daysSinceEpoch = Day.daysFromCivil(year, month, day)
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        var string = String(text)
        guard let day = string.withUTF8({ Day(isoUTF8: $0) }) else { return nil }
        self = day
    }

    /// Parses `YYYY-MM-DD` from its UTF-8 bytes (a script's token, read in place).
    init?<Bytes: RandomAccessCollection>(isoUTF8 utf8: Bytes) where Bytes.Element == UInt8, Bytes.Index == Int {
        let base = utf8.startIndex
        guard utf8.count == 10, utf8[base + 4] == UInt8(ascii: "-"), utf8[base + 7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let byte = utf8[base + index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public static func < (a: Day, b: Day) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    public var components: (year: Int, month: Int, day: Int) { Day.civilFromDays(daysSinceEpoch) }
    public var year: Int { components.year }
    public var month: Int { components.month }

    public var description: String {
        let (y, m, d) = components
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// The dates Ally reads and writes (`YYYY-MM-DD` has four digits of year).
    public static let earliest = Day(year: 1, month: 1, day: 1)!
    public static let latest = Day(year: 9999, month: 12, day: 31)!

    /// `self` plus `sign` times `duration`, or nil when that falls outside `earliest...latest`
    /// (what date arithmetic in an expression reports as an error).
    public func checkedAdding(_ duration: Duration, times sign: Int = 1) -> Day? {
        let amount = duration.amount * sign
        let result: Day?
        switch duration.unit {
        case .days: result = Day(daysSinceEpoch: daysSinceEpoch + amount)
        case .weeks: result = Day(daysSinceEpoch: daysSinceEpoch + 7 * amount)
        case .months: result = addingMonths(amount)
        case .years: result = addingMonths(12 * amount)
        }
        guard let result, result >= Day.earliest, result <= Day.latest else { return nil }
        return result
    }

    /// The same, held to `earliest...latest`: for dates derived from stored ones (`notice_by`,
    /// a renewal horizon), which have no expression to point an error at.
    public func adding(_ duration: Duration, times sign: Int = 1) -> Day {
        checkedAdding(duration, times: sign) ?? (duration.amount * sign >= 0 ? Day.latest : Day.earliest)
    }

    /// Calendar months, clamping to the month's last day (2026-01-31 + 1mo = 2026-02-28); nil
    /// past year 9999 or before year 1.
    func addingMonths(_ months: Int) -> Day? {
        let (y, m, d) = components
        let total = y * 12 + (m - 1) + months
        let newYear = total >= 0 ? total / 12 : (total - 11) / 12
        let newMonth = total - newYear * 12 + 1
        guard (1...9999).contains(newYear) else { return nil }
        let newDay = min(d, Day.daysIn(month: newMonth, year: newYear))
        return Day(daysSinceEpoch: Day.daysFromCivil(newYear, newMonth, newDay))
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's civil-date algorithms.
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// A length of time as written: `90d`, `12w`, `6mo`, `2y`. Months and years stay calendar units.
public struct Duration: Hashable, Sendable, CustomStringConvertible {
    public enum Unit: String, Sendable, CaseIterable {
        case days = "d", weeks = "w", months = "mo", years = "y"
    }
    public var amount: Int
    public var unit: Unit

    public init(_ amount: Int, _ unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// The largest amount a duration may have: 100,000 days is 270 years, past any span
    /// between two dates Ally holds, and keeps every stored amount within 32 bits.
    public static let largestAmount = 100_000

    /// Parses `90d`, `12w`, `6mo`, `2y`; nil past `largestAmount` units.
    public init?(text: some StringProtocol) {
        var string = String(text)
        if let quick = string.withUTF8({ Duration(plainUTF8: $0) }) {
            self = quick
            return
        }
        for unit in [Unit.months, .days, .weeks, .years] where string.hasSuffix(unit.rawValue) {
            let digits = string.dropLast(unit.rawValue.count).filter { $0 != "_" }
            guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let amount = Int(digits),
                  amount <= Self.largestAmount else { return nil }
            self.init(amount, unit)
            return
        }
        return nil
    }

    /// The usual form, read from its UTF-8 bytes: 1 to 6 digits and a unit (`90d`, `6mo`), at
    /// most `largestAmount`. nil for anything else (separators, signs, other units), which
    /// `init(text:)` reads the general way; what both read, they read the same.
    init?<Bytes: RandomAccessCollection>(plainUTF8 utf8: Bytes) where Bytes.Element == UInt8, Bytes.Index == Int {
        guard let last = utf8.last else { return nil }
        var end = utf8.endIndex - 1
        let unit: Unit
        switch last {
        case UInt8(ascii: "d"): unit = .days
        case UInt8(ascii: "w"): unit = .weeks
        case UInt8(ascii: "y"): unit = .years
        case UInt8(ascii: "o") where utf8.count >= 2 && utf8[end - 1] == UInt8(ascii: "m"):
            unit = .months
            end -= 1
        default: return nil
        }
        let digits = end - utf8.startIndex
        guard digits >= 1, digits <= 6 else { return nil }
        var amount = 0
        for index in utf8.startIndex..<end {
            let digit = utf8[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            amount = amount * 10 + Int(digit)
        }
        guard amount <= Self.largestAmount else { return nil }
        self.init(amount, unit)
    }

    public var description: String { "\(amount)\(unit.rawValue)" }

    /// An approximate length in days, used only to order durations of different units.
    var approximateDays: Double {
        switch unit {
        case .days: return Double(amount)
        case .weeks: return Double(amount) * 7
        case .months: return Double(amount) * 30.436875
        case .years: return Double(amount) * 365.2425
        }
    }
}

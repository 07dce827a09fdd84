/// A token is a kind plus a byte range into its source; its text and value are read
/// from the source only when the parser needs them.
public struct Token: Sendable, Equatable {
    public enum Kind: UInt8, Sendable {
        case identifier, number, string, date, duration
        case pipe, equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
        case plus, minus, star, slash, assign, comma, dot, colon, semicolon
        case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
        case questionQuestion
        /// `.command rest-of-line` at the start of a statement.
        case dotCommand
        /// A newline that ends a statement (or separates items inside `{ }`).
        case newline
        case endOfFile
        /// A lexical error; the lexer has recorded its diagnostic.
        case invalid
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// How the kind reads in messages ("expected `)`").
    public static func describe(_ kind: Kind) -> String {
        switch kind {
        case .identifier: return "a name"
        case .number: return "a number"
        case .string: return "a string"
        case .date: return "a date"
        case .duration: return "a duration"
        case .pipe: return "`|`"
        case .equalEqual: return "`==`"
        case .bangEqual: return "`!=`"
        case .less: return "`<`"
        case .lessEqual: return "`<=`"
        case .greater: return "`>`"
        case .greaterEqual: return "`>=`"
        case .plus: return "`+`"
        case .minus: return "`-`"
        case .star: return "`*`"
        case .slash: return "`/`"
        case .assign: return "`=`"
        case .comma: return "`,`"
        case .dot: return "`.`"
        case .colon: return "`:`"
        case .semicolon: return "`;`"
        case .leftParen: return "`(`"
        case .rightParen: return "`)`"
        case .leftBracket: return "`[`"
        case .rightBracket: return "`]`"
        case .leftBrace: return "`{`"
        case .rightBrace: return "`}`"
        case .questionQuestion: return "`??`"
        case .dotCommand: return "a dot-command"
        case .newline: return "the end of the line"
        case .endOfFile: return "the end of the input"
        case .invalid: return "an invalid token"
        }
    }
}

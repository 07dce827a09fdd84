/// A problem found in Ally source or while running it: data, rendered in one place
/// (`DiagnosticRenderer`), so the library never prints.
public struct Diagnostic: Error, Sendable {
    public enum Severity: String, Sendable { case error, warning }

    public var code: DiagnosticCode
    public var message: String
    public var file: SourceFile?
    public var range: SourceRange
    public var help: String?
    public var notes: [String]
    public var severity: Severity

    public init(_ code: DiagnosticCode, _ message: String, at range: SourceRange, in file: SourceFile? = nil,
                help: String? = nil, notes: [String] = [], severity: Severity = .error) {
        self.code = code
        self.message = message
        self.range = range
        self.file = file
        self.help = help
        self.notes = notes
        self.severity = severity
    }

    /// The same diagnostic, attached to `file` unless it already names one.
    func located(in file: SourceFile) -> Diagnostic {
        var copy = self
        if copy.file == nil { copy.file = file }
        return copy
    }
}

/// The catalogue of diagnostic codes. Numbers group by phase: E01xx lexing and parsing,
/// E02xx name resolution, E03xx types and values, E04xx run time, E05xx files and data.
public enum DiagnosticCode: String, Sendable {
    // Lexical and syntax
    case invalidCharacter = "E0001"
    case unterminatedString = "E0002"
    case invalidEscape = "E0003"
    case invalidNumber = "E0004"
    case invalidDate = "E0005"
    case invalidEncoding = "E0006"
    case unexpectedToken = "E0101"
    case assignmentInExpression = "E0103"
    case unknownStage = "E0104"
    case unknownStatement = "E0105"
    case tooDeep = "E0106"
    case tooLong = "E0107"
    // Names
    case unknownField = "E0102"
    case unknownName = "E0201"
    case unknownEnumCase = "E0202"
    case unknownEntity = "E0203"
    case duplicateEntity = "E0204"
    case unknownFunction = "E0205"
    case reservedName = "E0206"
    case unknownScenario = "E0207"
    case duplicateScenario = "E0208"
    case unknownMetric = "E0209"
    case missingField = "E0210"
    case readOnlyField = "E0211"
    // Types and values
    case typeMismatch = "E0301"
    case invalidValue = "E0302"
    case wrongArguments = "E0303"
    case notScalar = "E0304"
    case stageAfterScalar = "E0305"
    case wrongInput = "E0306"
    // Run time
    case divisionByZero = "E0401"
    case cancelled = "E0402"
    case limitExceeded = "E0403"
    case cycle = "E0404"
    case assertionFailed = "E0405"
    // Files and data
    case fileError = "E0501"
    case importError = "E0502"
    case usage = "E0503"
}

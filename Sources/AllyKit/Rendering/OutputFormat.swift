/// Output formats for results.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, json, markdown
}

import Foundation

/// The partner network as Graphviz DOT: partners coloured by kind, one edge per pair of
/// partners and shared live agreement, labelled with the agreement's id.
public enum NetworkExporter {
    static let palette: [String: String] = [
        "hospital": "#e45756", "health_system": "#c0392b", "clinic": "#ff9d9a", "physician_group": "#f28e2b",
        "academic": "#4c78a8", "research_institute": "#9ecae9", "technology": "#54a24b", "pharma": "#b279a2",
        "biotech": "#d6a5c9", "device_maker": "#88d27a", "government": "#9d755d", "payer": "#eeca3b",
        "regulator": "#bab0ac", "nonprofit": "#72b7b2", "community_org": "#a0cbe8", "startup": "#79706e", "gpo": "#f1ce63",
    ]

    public static func dot(_ portfolio: Portfolio) -> String {
        func quote(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var out = "graph partners {\n  graph [overlap=false, splines=true, fontname=\"Helvetica\"];\n"
        out += "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#888888\"];\n"
        for id in portfolio.sortedIds(.partner) {
            guard let partner = portfolio.partners[id] else { continue }
            let color = palette[partner.kind.name] ?? "#dddddd"
            let border = partner.home ? ", penwidth=3" : ""
            out += "  \(quote(id)) [label=\(quote(partner.name + "\n" + partner.kind.name)), fillcolor=\(quote(color))\(border)];\n"
        }
        // One edge per pair of partners, labelled with the live agreements they share and
        // drawn heavier the more they share.
        var shared: [String: [String]] = [:]
        var pairs: [(String, String)] = []
        for id in portfolio.sortedIds(.agreement) {
            guard let agreement = portfolio.agreements[id], agreement.isLive else { continue }
            let parties = agreement.parties.map(\.partner).sorted { Value.compareText($0, $1) < 0 }
            for (i, a) in parties.enumerated() {
                for b in parties[(i + 1)...] {
                    let key = a + "\u{0}" + b
                    if shared[key] == nil { pairs.append((a, b)) }
                    shared[key, default: []].append(id)
                }
            }
        }
        for (a, b) in pairs {
            let agreements = shared[a + "\u{0}" + b]!
            let label = agreements.count <= 2 ? agreements.joined(separator: ", ") : "\(agreements[0]) +\(agreements.count - 1)"
            let width = agreements.count > 1 ? ", penwidth=\(min(4, agreements.count))" : ""
            out += "  \(quote(a)) -- \(quote(b)) [label=\(quote(label))\(width)];\n"
        }
        return out + "}\n"
    }
}

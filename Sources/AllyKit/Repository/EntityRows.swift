/// A lazily built array of a type's entities in id order, shared by every copy of a portfolio
/// until that type changes (a change replaces the box, never edits it).
final class EntityRows: @unchecked Sendable {
    private var cached: [Entity]?
    /// Field name → its column over `cached` (nil: the field has no column layout).
    private var columns: [String: Column?] = [:]
    /// The ids, in the same order (changed entities keep their ids and places).
    private var ids: [String]?

    /// The rows, if they were built.
    var cachedRows: [Entity]? { cached }

    func rows(_ build: () -> [Entity]) -> [Entity] {
        if let cached { return cached }
        let result = build()
        cached = result
        return result
    }

    func ids(_ build: () -> [String]) -> [String] {
        if let ids { return ids }
        let result = build()
        ids = result
        return result
    }

    /// Drops the cached rows of a type that just changed. A cache nothing has built yet and no
    /// other copy of the portfolio shares is kept, so a run of inserts allocates nothing.
    static func invalidate(_ rows: inout EntityRows) {
        if !isKnownUniquelyReferenced(&rows) || rows.cached != nil || !rows.columns.isEmpty || rows.ids != nil { rows = EntityRows() }
    }

    /// Puts a changed entity (same id, so the same position) into the cached rows and columns
    /// instead of dropping them: after `update`, the next scan does not rebuild a million rows.
    /// A copy that other portfolios share is copied first (its arrays only when written).
    static func replace(_ id: String, with entity: Entity, in rows: inout EntityRows, tree: IdTree<Entity>) {
        guard rows.cached != nil, let position = tree.position(of: id) else {
            invalidate(&rows)
            return
        }
        if !isKnownUniquelyReferenced(&rows) {
            let copy = EntityRows()
            copy.cached = rows.cached
            copy.columns = rows.columns
            copy.ids = rows.ids
            rows = copy
        }
        let index = Int(position)
        rows.cached![index] = entity
        for name in Array(rows.columns.keys) {
            // Taken out first so that the column's arrays are uniquely held while patched; one
            // that cannot take the value is left out and rebuilt when next needed.
            guard case .some(.some(var column)) = rows.columns.removeValue(forKey: name) else { continue }
            if let field = FieldCatalog.field(name, of: entity.type), column.patch(at: index, field: field, entity: entity) {
                rows.columns[name] = .some(column)
            }
        }
    }

    func column(_ name: String, _ build: () -> Column?) -> Column? {
        if let known = columns[name] { return known }
        let column = build()
        columns[name] = column
        return column
    }
}

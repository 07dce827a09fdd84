import HashTreeCollections

/// A lazily built array of a type's entities in id order, and columns of their stored fields,
/// shared by every copy of a portfolio until that type changes (a change replaces the box,
/// never edits it).
///
/// A change that replaces entities (same ids, so the same positions) in a cache that another
/// copy of the portfolio still shares does not copy its arrays: the changed copy gets a new
/// cache over the shared one (`base`) that only notes the positions replaced, and builds its
/// own rows, columns and ids from the base's, patched, when they are first read. An update of
/// k entities thus costs O(k log n) whatever the caches hold (a fork used to copy every array
/// on its first write), and the copy is paid by the next scan, which reads n rows anyway.
final class EntityRows: @unchecked Sendable {
    private var cached: [Entity]?
    /// Field name → its column over `cached` (nil: the field has no column layout).
    private var columns: [String: Column?] = [:]
    /// The ids, in the same order (changed entities keep their ids and places).
    private var ids: [String]?
    /// The shared cache this one is, but for the entities at the positions in `replaced`; nil
    /// when this cache holds all it knows itself. A base never has a base of its own: a cache
    /// over one that still waits takes over its base and its replaced positions, so no chain of
    /// caches keeps old arrays alive.
    private var base: EntityRows?
    /// Position → the entity there now, while `base` is set (persistent: a change in a copy
    /// adds one entry to a shared set of thousands without copying them).
    private var replaced = TreeDictionary<Int32, Entity>()

    /// The rows, if they were built.
    var cachedRows: [Entity]? { cached }

    func rows(_ build: () -> [Entity]) -> [Entity] {
        if let cached { return cached }
        var result: [Entity]
        if let baseRows = base?.cached {
            result = baseRows
            for (position, entity) in replaced { result[Int(position)] = entity }
        } else {
            result = build()
        }
        cached = result
        releaseBaseIfCopied()
        return result
    }

    func ids(_ build: () -> [String]) -> [String] {
        if let ids { return ids }
        let result = base?.ids ?? build()
        ids = result
        releaseBaseIfCopied()
        return result
    }

    func column(_ name: String, _ build: () -> Column?) -> Column? {
        if let known = columns[name] { return known }
        var column: Column?
        if let base, let known = base.columns[name] {
            column = known
            // A column that cannot take a value (a dictionary past its distinct values) is built.
            for (position, entity) in replaced where column != nil {
                guard let field = FieldCatalog.field(name, of: entity.type),
                      column!.patch(at: Int(position), field: field, entity: entity) else { column = build(); break }
            }
        } else {
            column = build()
        }
        columns[name] = column
        releaseBaseIfCopied()
        return column
    }

    /// Lets go of the base once this cache holds its own copy of everything the base held.
    private func releaseBaseIfCopied() {
        guard let base, base.cached == nil || cached != nil, base.ids == nil || ids != nil,
              base.columns.keys.allSatisfy({ columns[$0] != nil }) else { return }
        self.base = nil
        replaced = [:]
    }

    private var isEmpty: Bool { cached == nil && columns.isEmpty && ids == nil && base == nil }

    /// Drops the cached rows of a type that just changed. A cache nothing has built yet and no
    /// other copy of the portfolio shares is kept, so a run of inserts allocates nothing.
    static func invalidate(_ rows: inout EntityRows) {
        if !isKnownUniquelyReferenced(&rows) || !rows.isEmpty { rows = EntityRows() }
    }

    /// Puts a changed entity (same id, so the same position) into the cached rows and columns
    /// instead of dropping them: after `update`, the next scan does not rebuild a million rows.
    /// In a cache other copies share, the position is only noted (in a new cache over it).
    static func replace(_ id: String, with entity: Entity, in rows: inout EntityRows, tree: IdTree<Entity>) {
        guard !rows.isEmpty, let position = tree.position(of: id) else {
            invalidate(&rows)
            return
        }
        if !isKnownUniquelyReferenced(&rows) {
            let layer = EntityRows()
            if let base = rows.base {
                layer.base = base
                layer.replaced = rows.replaced
            } else {
                layer.base = rows
            }
            // The ids do not change: shared as they are, not noted as something to copy.
            layer.ids = rows.ids ?? layer.base?.ids
            rows = layer
        }
        rows.put(entity, at: position)
    }

    /// `replace` in a cache only this copy holds: in what it built itself, in place, and in
    /// what it has still to copy from its base.
    private func put(_ entity: Entity, at position: Int) {
        if base != nil { replaced[Int32(truncatingIfNeeded: position)] = entity }
        if cached != nil { cached![position] = entity }
        for name in Array(columns.keys) {
            // Taken out first so that the column's arrays are uniquely held while patched; one
            // that cannot take the value is left out and rebuilt when next needed. (A field
            // without a column layout stays known as one.)
            if case .some(.none) = columns[name] { continue }
            guard case .some(.some(var column)) = columns.removeValue(forKey: name) else { continue }
            if let field = FieldCatalog.field(name, of: entity.type), column.patch(at: position, field: field, entity: entity) {
                columns[name] = .some(column)
            }
        }
    }
}

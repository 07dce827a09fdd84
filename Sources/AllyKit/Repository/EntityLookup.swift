/// Read access to one type's entities by id.
public struct EntityLookup<T: EntityPayload>: Sendable {
    let boxes: IdTree<Entity>
    public subscript(id: String) -> T? { boxes[id].flatMap(T.unwrap) }
    public var count: Int { boxes.count }
    public var isEmpty: Bool { boxes.isEmpty }
}

/// The struct behind one case of `Entity`.
public protocol EntityPayload: Sendable {
    static func unwrap(_ entity: Entity) -> Self?
}

extension Partner: EntityPayload {
    public static func unwrap(_ entity: Entity) -> Partner? { if case .partner(let p) = entity { return p } else { return nil } }
}

extension Agreement: EntityPayload {
    public static func unwrap(_ entity: Entity) -> Agreement? { if case .agreement(let a) = entity { return a } else { return nil } }
}

extension Stakeholder: EntityPayload {
    public static func unwrap(_ entity: Entity) -> Stakeholder? { if case .stakeholder(let s) = entity { return s } else { return nil } }
}
extension Entity: IdTreeEntry {
    @inline(__always)
    var treeKey: String { id }
}

import Foundation
import Testing
@testable import AllyKit

/// Every stored field of the catalog, one at a time, set to a value other than its default on
/// an entity that has only its required fields: `==` sees the change, and the entity comes
/// back the same through a definition (decoded, and the general way), save and load, and export
/// and import as CSV and as JSON. The fields are read from the catalog, so a new field is
/// walked without a change here; a field of a new type fails until `sample` knows a value of it.
@Suite("every stored field through every route")
struct StoredFieldTests {
    /// What the changed entity may refer to.
    static let base = """
        partner p1 { name: "One", kind: academic }
        partner p2 { name: "Two", kind: hospital }
        stakeholder s1 { name: "Ada", org: p1, group: executive }

        """

    /// Each stored field but the id (which names the entity: `==` is checked for it below).
    static let fields: [(EntityType, FieldSpec)] = EntityType.allCases.flatMap { type in
        FieldCatalog.storedFields(of: type).filter { $0.name != "id" }.map { (type, $0) }
    }

    /// The entity every field is set on: its required fields only.
    static func blank(_ type: EntityType) -> Entity {
        switch type {
        case .partner: return .partner(Partner(id: "t9", name: "Target", kind: EnumType.partnerKind.value("payer")))
        case .agreement: return .agreement(Agreement(id: "t9", title: "Target", form: EnumType.form.value("mou")))
        case .stakeholder:
            return .stakeholder(Stakeholder(id: "t9", name: "Target", org: "p2", group: EnumType.group.value("clinical")))
        }
    }

    /// A valid value of `type` other than `current` (nil: the test knows no value of the type).
    static func sample(_ type: FieldType, other current: Value) -> Value? {
        switch type {
        case .identifier: return nil
        case .string: return .string(current == .string("Sample") ? "Other" : "Sample \"text\", with a comma")
        case .number: return .number(1250.5)
        case .percent: return .number(0.25)
        case .integer(let range):
            return .number(Double(current == .number(Double(range.upperBound)) ? range.lowerBound : range.upperBound))
        case .bounded(let range): return .number(current == .number(range.upperBound) ? range.lowerBound : range.upperBound)
        case .bool: return .bool(current != .bool(true))
        case .date: return .date(day("2027-03-04"))
        case .duration: return .duration(Duration(6, .months))
        case .enumeration(let enumType):
            return enumType.cases.map { Value.enumeration(enumType.value($0)) }.first { $0 != current }
        case .reference(let target):
            let id = target == .partner ? (current.idText == "p1" ? "p2" : "p1") : "s1"
            return .reference(target, id)
        case .list(.party):
            return .list([.record(Record(keys: ["partner", "role", "contributes", "equity", "votes"],
                                         values: [.reference(.partner, "p1"), .enumeration(EnumType.role.value("lead")),
                                                  .number(100), .number(0.5), .number(2)])),
                          .record(Record(keys: ["partner"], values: [.reference(.partner, "p2")]))])
        case .list(let element):
            guard let item = sample(element, other: .null) else { return nil }
            if element == .string { return .list([item, .string("second")]) }
            return .list([item])
        case .fit: return .record(Record(keys: ["mission", "reach"], values: [.number(4), .number(2.5)]))
        case .decisions: return .record(Record(keys: ["budget"], values: [.enumeration(EnumType.rule.value("majority"))]))
        case .party: return nil
        case .kpi:
            return .record(Record(keys: ["name", "target", "actual", "higher_is_better"],
                                  values: [.string("Uptime"), .number(99), .number(97.5), .bool(false)]))
        case .milestone:
            return .record(Record(keys: ["name", "due", "done"], values: [.string("Go live"), .date(day("2026-06-01")), .bool(true)]))
        }
    }

    /// A resolver for which every reference exists and no partner is home yet.
    struct EverythingExists: ReferenceResolver {
        func exists(_ type: EntityType, _ id: String) -> Bool { true }
        func ids(_ type: EntityType) -> [String] { [] }
        func otherHome(than id: String) -> String? { nil }
    }

    /// The field set to its sample on the blank entity, and the definition that writes it. A
    /// string that an invariant refuses (a country) is tried as a country code.
    static func changed(_ type: EntityType, _ spec: FieldSpec) -> (entity: Entity, definition: String)? {
        let blank = blank(type)
        guard let read = spec.read, let first = sample(spec.type, other: read(blank)) else { return nil }
        let validator = FieldValidator(file: SourceFile(name: "t", text: ""), references: EverythingExists())
        let candidates = spec.type == .string ? [first, .string("DE")] : [first]
        // Made as a definition makes it: the required fields go to the initializer (a kind
        // then brings its sector), then the field is set.
        let required = FieldCatalog.storedFields(of: type).filter { $0.isRequired && $0.name != "id" && $0 !== spec }
        guard let (value, entity) = candidates.lazy.map({ value -> (Value, Entity) in
            (value, PortfolioEditor.make(type, id: "t9", values: required.map { ($0, $0.read!(blank)) } + [(spec, value)]))
        }).first(where: { (try? validator.checkInvariants($0.1, range: SourceRange(0, 0))) != nil }) else { return nil }
        var fields = required.map { "\($0.name): \(ValueFormatter.literal($0.read!(blank)))" }
        fields.append("\(spec.name): \(ValueFormatter.literal(value))")
        return (entity, "\(type.rawValue) t9 { \(fields.joined(separator: ", ")) }\n")
    }

    static func portfolio(after script: String, decoding: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) -> Harness {
        let harness = Harness()
        harness.session.runner.decodesDefinitions = decoding
        harness.expectSuccess(script, sourceLocation: sourceLocation)
        return harness
    }

    @Test("a sample of every stored field's type is known")
    func everyFieldHasASample() {
        for (type, spec) in Self.fields {
            #expect(Self.changed(type, spec) != nil, "no sample value for \(type.rawValue).\(spec.name) (\(spec.type.description))")
        }
    }

    /// `.schema`'s defaults, now read from the blank entities, are the ones the catalog spelled
    /// out before (the partner's are in `Tests/Golden/schema.out`).
    @Test("the defaults .schema shows for agreements and stakeholders")
    func schemaDefaults() {
        let expected: [EntityType: String] = [
            .agreement: "id required, title required, form required, status proposed, parties [], starts null, ends null, "
                + "review null, notice 90d, auto_renew false, value 0, scope null, decisions {}, kpis [], milestones [], "
                + "health null, phi false, jurisdictions [], tags []",
            .stakeholder: "id required, name required, org required, group required, title null, influence 3, interest 3, "
                + "stance neutral, interests [], concerns [], knows []",
        ]
        for (type, text) in expected {
            #expect(FieldCatalog.storedFields(of: type).map { "\($0.name) \($0.defaultText)" }.joined(separator: ", ") == text)
        }
    }

    @Test("== sees a change to any one stored field, and to the id")
    func equalitySeesEachField() {
        for (type, spec) in Self.fields {
            guard let (entity, _) = Self.changed(type, spec) else { continue }
            #expect(entity != Self.blank(type), "\(type.rawValue).\(spec.name): == misses the change")
            #expect(spec.read!(entity) != spec.read!(Self.blank(type)), "\(type.rawValue).\(spec.name): the sample is the default")
        }
        for type in EntityType.allCases {
            var renamed = Self.blank(type)
            FieldCatalog.field("id", of: type)!.apply(.string("t8"), to: &renamed)
            #expect(renamed != Self.blank(type))
            #expect(Self.blank(type) == Self.blank(type))
        }
    }

    @Test("a definition sets each stored field, decoded and the general way alike")
    func definitionsSetEachField() throws {
        for (type, spec) in Self.fields {
            guard let (entity, definition) = Self.changed(type, spec) else { continue }
            let file = SourceFile(name: "d.ally", text: definition)
            var decoder = DefinitionDecoder(file: file)
            let decoded = decoder.decode(at: 0)
            #expect(decoded?.definition.entity == entity, "\(definition): the decoder gives \(String(describing: decoded?.definition.entity))")
            for decoding in [true, false] {
                let harness = Self.portfolio(after: Self.base + definition, decoding: decoding)
                #expect(harness.session.portfolio.entity(EntityKey(type, "t9")) == entity, "\(definition) (decoding: \(decoding))")
            }
        }
    }

    @Test("save then load keeps each stored field")
    func saveLoadKeepsEachField() {
        for (type, spec) in Self.fields {
            guard let (entity, definition) = Self.changed(type, spec) else { continue }
            let original = Self.portfolio(after: Self.base + definition)
            let folder = TemporaryFolder()
            original.expectSuccess("save \"saved.ally\"", directory: folder.path)
            let copy = Harness()
            copy.expectSuccess("load \"saved.ally\"", directory: folder.path)
            #expect(copy.session.portfolio.entity(EntityKey(type, "t9")) == entity,
                    "\(type.rawValue).\(spec.name): saved as\n\(folder.read("saved.ally") ?? "")")
            #expect(copy.snapshot == original.snapshot)
        }
    }

    @Test("export then import keeps each stored field", arguments: ["csv", "json"])
    func exportImportKeepsEachField(format: String) {
        for (type, spec) in Self.fields {
            guard let (entity, definition) = Self.changed(type, spec) else { continue }
            let original = Self.portfolio(after: Self.base + definition)
            let folder = TemporaryFolder()
            original.expectSuccess("""
                export partners to "p.\(format)"
                export agreements to "a.\(format)"
                export stakeholders to "s.\(format)"
                """, directory: folder.path)
            let copy = Harness()
            copy.expectSuccess("""
                import partners from "p.\(format)"
                import agreements from "a.\(format)"
                import stakeholders from "s.\(format)"
                """, directory: folder.path)
            #expect(copy.session.portfolio.entity(EntityKey(type, "t9")) == entity, "\(format): \(type.rawValue).\(spec.name)")
            #expect(copy.snapshot == original.snapshot, "\(format): \(copy.snapshot.firstDifference(from: original.snapshot) ?? "")")
        }
    }
}

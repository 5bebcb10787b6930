/// The catalogue of diagnostic codes. Codes are stable: documentation and tools refer to them.
///
/// `E1xx` YAML and spec structure, `E2xx` names, `E3xx` types and expressions, `E4xx` plan shape,
/// `W…` warnings.
public enum DiagnosticCode: String, Sendable, Hashable, Codable, CaseIterable {
    // Structure
    case yamlSyntax = "E101"
    case duplicateKey = "E102"
    case unknownKey = "E103"
    case wrongValueType = "E104"
    case missingKey = "E105"
    case invalidValue = "E106"
    case aliasExpansion = "E107"
    case unsupportedVersion = "E108"
    // Names
    case unknownSource = "E201"
    case unknownColumn = "E202"
    case unknownFunction = "E203"
    case unknownParam = "E204"
    case duplicateName = "E205"
    case cycle = "E206"
    case unresolvedSubstitution = "E207"
    case pathOutsideRoot = "E209"
    // Types and expressions
    case expressionSyntax = "E301"
    case typeMismatch = "E302"
    case wrongArgumentCount = "E303"
    case invalidType = "E304"
    case aggregateMisuse = "E305"
    case integerOutOfRange = "E306"
    case divisionByZero = "E307"
    case invalidParamValue = "E308"
    // Plan shape
    case joinKeyType = "E401"
    case joinNameClash = "E402"
    case unionSchema = "E403"
    case sinkSchema = "E404"
    case invalidWarehouse = "E405"
    // Warnings
    case unusedSource = "W101"
    case unusedParam = "W102"
    case unusedNode = "W103"
    case lossyCast = "W301"
    case outerJoinNull = "W302"

    /// The severity this code has unless a caller says otherwise.
    public var defaultSeverity: Severity {
        rawValue.hasPrefix("W") ? .warning : .error
    }

    /// A one-line title of what the code means, for rule lists (SARIF) and the documentation.
    public var title: String {
        switch self {
        case .yamlSyntax: "Invalid YAML"
        case .duplicateKey: "Duplicate key"
        case .unknownKey: "Unknown key or step"
        case .wrongValueType: "Value of the wrong kind"
        case .missingKey: "Missing required setting"
        case .invalidValue: "Invalid value"
        case .aliasExpansion: "YAML aliases expand too far"
        case .unsupportedVersion: "Unsupported spec version"
        case .unknownSource: "Unknown source or transform"
        case .unknownColumn: "Unknown column"
        case .unknownFunction: "Unknown function"
        case .unknownParam: "Unknown parameter"
        case .duplicateName: "Duplicate name"
        case .cycle: "Transforms form a cycle"
        case .unresolvedSubstitution: "Unresolved path substitution"
        case .pathOutsideRoot: "Path outside the data root"
        case .expressionSyntax: "Expression syntax error"
        case .typeMismatch: "Type mismatch"
        case .wrongArgumentCount: "Wrong number of arguments"
        case .invalidType: "Unknown type"
        case .aggregateMisuse: "Aggregate misuse"
        case .integerOutOfRange: "Number out of range"
        case .divisionByZero: "Division by zero"
        case .invalidParamValue: "Invalid parameter value"
        case .joinKeyType: "Join keys of different types"
        case .joinNameClash: "Join column name clash"
        case .unionSchema: "Union inputs differ"
        case .sinkSchema: "Columns unfit for the sink"
        case .invalidWarehouse: "Invalid warehouse"
        case .unusedSource: "Unused source"
        case .unusedParam: "Unused parameter"
        case .unusedNode: "Transform feeds no sink"
        case .lossyCast: "Lossy cast"
        case .outerJoinNull: "Sink column null after an outer join"
        }
    }

    /// The anchor of this code's section in `docs/diagnostics.md` (`e202`).
    public var documentationAnchor: String { rawValue.lowercased() }

    /// Where the diagnostics are documented, relative to the repository root.
    public static let documentationPath = "docs/diagnostics.md"
}

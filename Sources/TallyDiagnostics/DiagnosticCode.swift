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
    case ambiguousColumn = "E208"
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
}

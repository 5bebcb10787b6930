import CYAML

extension ScalarStyle {
    /// The style of a libyaml scalar event.
    init(_ style: yaml_scalar_style_t) {
        self = switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}

extension yaml_event_t {
    /// The text of a scalar event.
    var scalarValue: String {
        String(decoding: UnsafeBufferPointer(start: data.scalar.value, count: Int(data.scalar.length)), as: UTF8.self)
    }
}

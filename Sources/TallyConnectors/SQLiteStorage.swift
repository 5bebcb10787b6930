import TallyCompiler
import TallyEngine

/// Conversions from tally values to the form the warehouse stores them in (see `SQLiteWarehouse`).
enum SQLiteStorage {
    /// Row `row` of `column`.
    static func value(of column: Column, row: Int) -> SQLiteValue {
        if column.isNull(row) { return .null }
        switch column.values {
        case .int(let v): return .integer(v[row])
        case .decimal(let v): return .text(DecimalFormat.format(v[row], scale: column.type.scale))
        case .double(let v): return .real(v[row])
        case .bool(let v): return .integer(v[row] ? 1 : 0)
        case .string(let v): return .text(v.string(at: row))
        case .date(let v): return .text(CivilDate.format(days: v[row]))
        case .timestamp(let v): return .text(CivilDate.format(micros: v[row]))
        }
    }

    /// A literal value (such as a partition value) stored in a column of `type`; nil when it does not fit.
    static func value(of value: Value, as type: DataType) -> SQLiteValue? {
        switch (type, value) {
        case (_, .null): return .null
        case (.int, .int(let v)): return .integer(v)
        case (.decimal(_, let s), .decimal(let v, let vs)): return rescale(v, from: vs, to: s)
        case (.decimal(_, let s), .int(let v)): return rescale(Int128(v), from: 0, to: s)
        case (.double, .double(let v)): return .real(v)
        case (.double, .int(let v)): return .real(Double(v))
        case (.string, .string(let v)): return .text(v)
        case (.bool, .bool(let v)): return .integer(v ? 1 : 0)
        case (.date, .date(let d)): return .text(CivilDate.format(days: d))
        case (.date, .string(let s)): return CivilDate.parseDate(s).map { .text(CivilDate.format(days: $0)) }
        case (.timestamp, .timestamp(let t)): return .text(CivilDate.format(micros: t))
        case (.timestamp, .date(let d)): return .text(CivilDate.format(micros: Int64(d) * 86_400_000_000))
        default: return nil
        }
    }

    private static func rescale(_ v: Int128, from: Int, to: Int) -> SQLiteValue? {
        if from == to { return .text(DecimalFormat.format(v, scale: to)) }
        if from < to {
            let (r, overflow) = v.multipliedReportingOverflow(by: DecimalFormat.powersOfTen[to - from])
            return overflow ? nil : .text(DecimalFormat.format(r, scale: to))
        }
        let (q, rem) = v.quotientAndRemainder(dividingBy: DecimalFormat.powersOfTen[from - to])
        return rem == 0 ? .text(DecimalFormat.format(q, scale: to)) : nil
    }
}

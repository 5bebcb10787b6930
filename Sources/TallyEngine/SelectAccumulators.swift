import TallyCompiler

/// Which value of a group `min`, `max` and `any`/`first` keep.
enum SelectMode {
    case min, max, first
}

/// The accumulator keeping one value per group for `type`'s storage kind.
func makeSelectAccumulator(_ mode: SelectMode, type: DataType) -> Accumulator {
    switch type {
    case .int: return SelectAccumulator<Int64>(mode, type, read: { $0.ints }, wrap: { .int($0) })
    case .decimal: return SelectAccumulator<Int128>(mode, type, read: { $0.decimals }, wrap: { .decimal($0) })
    case .double: return SelectAccumulator<Double>(mode, type, read: { $0.doubles }, wrap: { .double($0) })
    case .date: return SelectAccumulator<Int32>(mode, type, read: { $0.dates }, wrap: { .date($0) })
    case .timestamp: return SelectAccumulator<Int64>(mode, type, read: { $0.timestamps }, wrap: { .timestamp($0) })
    case .bool, .null:
        // false < true, so bools are kept as 0/1.
        return SelectAccumulator<UInt8>(mode, type, read: { $0.bools.map { $0 ? 1 : 0 } }, wrap: { .bool($0.map { $0 != 0 }) })
    case .string: return StringSelectAccumulator(mode)
    }
}

/// `min`, `max` or `first` over a fixed-width type.
final class SelectAccumulator<T: Comparable>: Accumulator {
    private let mode: SelectMode
    private let type: DataType
    private let read: (ColumnValues) -> [T]
    private let wrap: ([T]) -> ColumnValues
    private var kept: [T] = []
    private var seen: [Bool] = []

    init(_ mode: SelectMode, _ type: DataType, read: @escaping (ColumnValues) -> [T], wrap: @escaping ([T]) -> ColumnValues) {
        self.mode = mode
        self.type = type
        self.read = read
        self.wrap = wrap
    }

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        guard let input else { return }
        let values = read(input.values)
        if kept.count < groupCount {
            // Placeholder for new groups: any value of the right type.
            guard let filler = values.first ?? kept.first else { return }
            grow(&kept, to: groupCount, with: filler)
            grow(&seen, to: groupCount, with: false)
        }
        for (i, g) in groups.enumerated() where input.isValid(i) {
            let v = values[i]
            if !seen[g] {
                kept[g] = v
                seen[g] = true
                continue
            }
            switch mode {
            case .min: if v < kept[g] { kept[g] = v }
            case .max: if v > kept[g] { kept[g] = v }
            case .first: break
            }
        }
    }

    func finish(groupCount: Int) throws -> Column {
        grow(&seen, to: groupCount, with: false)
        let buffer: ColumnValues
        if let filler = kept.first {
            grow(&kept, to: groupCount, with: filler)
            buffer = wrap(kept)
        } else {
            buffer = .zeros(for: type, count: groupCount)
        }
        return Column(type: type, values: buffer, validity: nullsWhereUnseen(seen))
    }
}

/// `min`, `max` or `first` over strings (UTF-8 byte order).
final class StringSelectAccumulator: Accumulator {
    private let mode: SelectMode
    private var kept: [[UInt8]?] = []

    init(_ mode: SelectMode) { self.mode = mode }

    func update(groups: [Int], input: Column?, groupCount: Int) throws {
        grow(&kept, to: groupCount, with: nil)
        guard let input else { return }
        let strings = input.values.strings
        for (i, g) in groups.enumerated() where input.isValid(i) {
            let v = strings[i]
            guard let current = kept[g] else {
                kept[g] = Array(v)
                continue
            }
            switch mode {
            case .min: if v.lexicographicallyPrecedes(current) { kept[g] = Array(v) }
            case .max: if current.lexicographicallyPrecedes(v) { kept[g] = Array(v) }
            case .first: break
            }
        }
    }

    func finish(groupCount: Int) throws -> Column {
        grow(&kept, to: groupCount, with: nil)
        var builder = ColumnBuilder(.string, capacity: groupCount)
        for v in kept {
            if let v { builder.appendString(v) } else { builder.appendNull() }
        }
        return builder.finish()
    }
}

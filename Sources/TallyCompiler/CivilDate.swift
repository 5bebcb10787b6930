/// Conversions between calendar dates and day numbers (proleptic Gregorian, days since 1970-01-01).
public enum CivilDate {
    /// Day number of year/month/day (Howard Hinnant's days_from_civil).
    @inlinable
    public static func days(year: Int, month: Int, day: Int) -> Int32 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int32(era * 146097 + doe - 719468)
    }

    /// Year, month, day of a day number.
    public static func civil(_ days: Int32) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    @inlinable
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Parses `YYYY-MM-DD` from UTF-8 bytes; nil when malformed or not a real date.
    @inlinable
    public static func parseDate<C: Collection<UInt8>>(_ bytes: C) -> Int32? where C.Index == Int {
        guard bytes.count == 10 else { return nil }
        let b = bytes.startIndex
        guard bytes[b + 4] == 45, bytes[b + 7] == 45,
              let y = digits(bytes, b, 4), let m = digits(bytes, b + 5, 2), let d = digits(bytes, b + 8, 2),
              (1...12).contains(m), d >= 1, d <= daysInMonth(year: y, month: m) else { return nil }
        return days(year: y, month: m, day: d)
    }

    /// Parses `YYYY-MM-DD` text.
    public static func parseDate(_ text: String) -> Int32? {
        parseDate(Array(text.utf8))
    }

    /// Parses `YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][Z]` from UTF-8 bytes to microseconds.
    @inlinable
    public static func parseTimestamp<C: Collection<UInt8>>(_ bytes: C) -> Int64? where C.Index == Int {
        let n = bytes.count
        let b = bytes.startIndex
        if n == 10 { return parseDate(bytes).map { Int64($0) * 86_400_000_000 } }
        guard n >= 16, let day = parseDate(bytes[b..<(b + 10)]),
              bytes[b + 10] == 84 || bytes[b + 10] == 32, bytes[b + 13] == 58,
              let hh = digits(bytes, b + 11, 2), let mi = digits(bytes, b + 14, 2), hh < 24, mi < 60 else { return nil }
        var i = b + 16
        var ss = 0
        var micros = 0
        if i < b + n, bytes[i] == 58 {
            guard i + 3 <= b + n, let s = digits(bytes, i + 1, 2), s < 60 else { return nil }
            ss = s
            i += 3
            if i < b + n, bytes[i] == 46 {
                i += 1
                var digitsSeen = 0
                while i < b + n, bytes[i] >= 48, bytes[i] <= 57 {
                    if digitsSeen < 6 { micros = micros * 10 + Int(bytes[i] - 48) }
                    digitsSeen += 1
                    i += 1
                }
                guard digitsSeen > 0 else { return nil }
                for _ in digitsSeen..<6 where digitsSeen < 6 { micros *= 10 }
            }
        }
        if i < b + n, bytes[i] == 90 { i += 1 }
        guard i == b + n else { return nil }
        let secs = Int64(day) * 86_400 + Int64(hh * 3600 + mi * 60 + ss)
        return secs * 1_000_000 + Int64(micros)
    }

    @inlinable
    static func digits<C: Collection<UInt8>>(_ bytes: C, _ at: Int, _ count: Int) -> Int? where C.Index == Int {
        var v = 0
        for i in at..<(at + count) {
            let c = bytes[i]
            guard c >= 48, c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    /// `YYYY-MM-DD`.
    public static func format(days: Int32) -> String {
        let (y, m, d) = civil(days)
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]`.
    public static func format(micros: Int64) -> String {
        let (daysPart, rem) = micros.quotientAndRemainder(dividingBy: 86_400_000_000)
        let (day, r) = rem < 0 ? (daysPart - 1, rem + 86_400_000_000) : (daysPart, rem)
        let secs = Int(r / 1_000_000)
        let frac = Int(r % 1_000_000)
        var s = format(days: Int32(day)) + " " + pad(secs / 3600, 2) + ":" + pad(secs / 60 % 60, 2) + ":" + pad(secs % 60, 2)
        if frac != 0 { s += "." + pad(frac, 6) }
        return s
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

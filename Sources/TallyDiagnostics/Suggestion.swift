/// "Did you mean" suggestions by edit distance.
public enum Suggestion {
    /// The candidate closest to `name`, if it is close enough to be a likely misspelling.
    public static func closest(to name: String, in candidates: some Sequence<String>) -> String? {
        let target = Array(name.lowercased().unicodeScalars)
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(target, Array(candidate.lowercased().unicodeScalars))
            if best == nil || d < best!.1 { best = (candidate, d) }
        }
        guard let (candidate, d) = best else { return nil }
        let limit = max(1, min(3, (target.count + 1) / 3))
        if d <= limit { return candidate }
        // A name that starts exactly one candidate (`warn` for `warning`), or is one `_`-separated word of
        // exactly one candidate (`qty` for `qty_sold`).
        let word = name.lowercased()
        let all = Array(candidates)
        let prefixed = word.count >= 3 ? all.filter { $0.lowercased().hasPrefix(word) } : []
        if prefixed.count == 1 { return prefixed[0] }
        let containing = all.filter { $0.lowercased().split(separator: "_").contains { $0 == word } }
        return containing.count == 1 ? containing[0] : nil
    }

    /// A hint sentence: "did you mean `x`?" or a list of what is available. `plural` defaults to
    /// `kind` + "s" ("-y" after a consonant becomes "-ies").
    public static func hint(for name: String, in candidates: [String], kind: String, plural: String? = nil) -> String {
        if let c = closest(to: name, in: candidates) { return "did you mean `\(c)`?" }
        if candidates.isEmpty { return "no \(kind) is defined here" }
        let consonantY = kind.hasSuffix("y") && !"aeiou".contains(kind.dropLast().last ?? "a")
        let kinds = plural ?? (consonantY ? kind.dropLast() + "ies" : kind + "s")
        let shown = candidates.prefix(8).map { "`\($0)`" }.joined(separator: ", ")
        return "available \(kinds): \(shown)\(candidates.count > 8 ? ", ..." : "")"
    }

    /// Levenshtein distance with transpositions counted as one edit.
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev2 = [Int](repeating: 0, count: b.count + 1)
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    cur[j] = min(cur[j], prev2[j - 2] + 1)
                }
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[b.count]
    }
}

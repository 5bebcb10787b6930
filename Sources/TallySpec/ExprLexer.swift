import TallyDiagnostics

/// A token of the expression language.
struct Token: Equatable {
    enum Kind: Equatable {
        case identifier(String)
        /// A quoted identifier: "weird name" or `weird name`.
        case quotedIdentifier(String)
        case integer(String)
        case decimal(String)
        case double(String)
        case string(String)
        case param(String)
        case symbol(String)
        case end
    }

    var kind: Kind
    /// Offset in Unicode scalars from the start of the expression text.
    var offset: Int
    var length: Int

    /// The lowercased identifier text, for keyword checks.
    var keyword: String? {
        if case .identifier(let s) = kind { return s.lowercased() }
        return nil
    }
}

/// Splits expression text into tokens.
struct ExprLexer {
    let scalars: [Unicode.Scalar]

    init(_ text: String) { scalars = Array(text.unicodeScalars) }

    struct LexError: Error {
        var message: String
        var offset: Int
        var length: Int
        var hint: String?
    }

    func tokenize() throws(LexError) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c.properties.isWhitespace { i += 1; continue }
            let start = i
            if isIdentStart(c) {
                while i < scalars.count, isIdentPart(scalars[i]) { i += 1 }
                tokens.append(Token(kind: .identifier(text(start, i)), offset: start, length: i - start))
            } else if c.isASCII, ("0"..."9").contains(c) || (c == "." && i + 1 < scalars.count && isDigit(scalars[i + 1])) {
                tokens.append(try number(&i))
            } else if c == "'" {
                tokens.append(try string(&i))
            } else if c == "\"" || c == "`" {
                i += 1
                while i < scalars.count, scalars[i] != c { i += 1 }
                guard i < scalars.count else {
                    throw LexError(message: "unterminated quoted name", offset: start, length: i - start,
                                   hint: "close the name with \(c)")
                }
                i += 1
                tokens.append(Token(kind: .quotedIdentifier(text(start + 1, i - 1)), offset: start, length: i - start))
            } else if c == "$" {
                tokens.append(try param(&i))
            } else {
                let two = i + 1 < scalars.count ? String(String.UnicodeScalarView([c, scalars[i + 1]])) : ""
                if ["<=", ">=", "<>", "!=", "==", "||"].contains(two) {
                    i += 2
                    tokens.append(Token(kind: .symbol(two), offset: start, length: 2))
                } else if "+-*/%=<>(),".unicodeScalars.contains(c) {
                    i += 1
                    tokens.append(Token(kind: .symbol(String(c)), offset: start, length: 1))
                } else {
                    throw LexError(message: "unexpected character `\(c)`", offset: start, length: 1,
                                   hint: c == "\u{201C}" || c == "\u{2018}" ? "use straight quotes: ' for strings" : nil)
                }
            }
        }
        // The end sits just past the last character that is not white space (a block scalar ends with a newline).
        var end = scalars.count
        while end > 0, scalars[end - 1].properties.isWhitespace { end -= 1 }
        tokens.append(Token(kind: .end, offset: end, length: 1))
        return tokens
    }

    private func text(_ a: Int, _ b: Int) -> String { String(String.UnicodeScalarView(scalars[a..<b])) }
    private func isDigit(_ c: Unicode.Scalar) -> Bool { c.isASCII && ("0"..."9").contains(c) }
    private func isIdentStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.properties.isAlphabetic) }
    private func isIdentPart(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || isDigit(c) }

    private func number(_ i: inout Int) throws(LexError) -> Token {
        let start = i
        var sawDot = false
        var sawExp = false
        while i < scalars.count {
            let c = scalars[i]
            if isDigit(c) { i += 1 } else if c == ".", !sawDot, !sawExp { sawDot = true; i += 1 } else if c == "e" || c == "E", !sawExp {
                sawExp = true
                i += 1
                if i < scalars.count, scalars[i] == "+" || scalars[i] == "-" { i += 1 }
                guard i < scalars.count, isDigit(scalars[i]) else {
                    throw LexError(message: "malformed number `\(text(start, i))`", offset: start, length: i - start,
                                   hint: "an exponent needs digits, as in `1e6`")
                }
            } else { break }
        }
        if i < scalars.count, isIdentStart(scalars[i]) {
            throw LexError(message: "malformed number `\(text(start, i + 1))`", offset: start, length: i + 1 - start,
                           hint: "names cannot start with a digit; quote them as \"name\"")
        }
        let t = text(start, i)
        let kind: Token.Kind = sawExp ? .double(t) : sawDot ? .decimal(t) : .integer(t)
        return Token(kind: kind, offset: start, length: i - start)
    }

    private func string(_ i: inout Int) throws(LexError) -> Token {
        let start = i
        i += 1
        var value = String.UnicodeScalarView()
        while true {
            guard i < scalars.count else {
                throw LexError(message: "unterminated string", offset: start, length: i - start,
                               hint: "close the string with ' (write '' for a quote inside it)")
            }
            if scalars[i] == "'" {
                if i + 1 < scalars.count, scalars[i + 1] == "'" {
                    value.append("'")
                    i += 2
                    continue
                }
                i += 1
                break
            }
            value.append(scalars[i])
            i += 1
        }
        return Token(kind: .string(String(value)), offset: start, length: i - start)
    }

    private func param(_ i: inout Int) throws(LexError) -> Token {
        let start = i
        i += 1
        let braced = i < scalars.count && scalars[i] == "{"
        if braced { i += 1 }
        let nameStart = i
        while i < scalars.count, isIdentPart(scalars[i]) { i += 1 }
        let name = text(nameStart, i)
        if braced {
            guard i < scalars.count, scalars[i] == "}" else {
                throw LexError(message: "unterminated `${`", offset: start, length: i - start, hint: "write `${name}`")
            }
            i += 1
        }
        guard !name.isEmpty else {
            throw LexError(message: "`$` must be followed by a parameter name", offset: start, length: i - start,
                           hint: "write `$run_date` or `${run_date}`")
        }
        return Token(kind: .param(name), offset: start, length: i - start)
    }
}

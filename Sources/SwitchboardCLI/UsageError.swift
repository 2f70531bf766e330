import Core
/// The command line itself was wrong: exit 64 (EX_USAGE) with a line that says what and how to fix it.
struct UsageError: Error, CustomStringConvertible {
    var message: String
    /// The command whose `--help` would help, e.g. `switchboard config check`.
    var commandPath: [String]

    var description: String { message }
}

/// A failure that wants a specific exit status, after its own output was printed.
struct ExitStatus: Error {
    var code: Int32
}

/// The candidate closest to `word` by edit distance, if close enough to be a likely typo.
func nearestSpelling(of word: String, among candidates: [String]) -> String? {
    let limit = max(2, word.count / 3)
    let scored = candidates.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= limit }
    return scored.min { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }?.0
}

/// Levenshtein distance over characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(1, b.count) where !b.isEmpty {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        previous = current
    }
    return previous[b.count]
}

/// A line-by-line difference between two texts, as `diff -u` shows it.
public struct LineDiff: Sendable, Equatable {
    public enum Line: Sendable, Equatable {
        case same(String)
        case removed(String)
        case added(String)
    }

    public let lines: [Line]

    /// The shortest edit from `old` to `new` (longest common subsequence; dialplan files are a
    /// few hundred lines).
    public init(old: [String], new: [String]) {
        let n = old.count, m = new.count
        var common = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                common[i][j] = old[i] == new[j] ? common[i + 1][j + 1] + 1 : max(common[i + 1][j], common[i][j + 1])
            }
        }
        var lines: [Line] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, old[i] == new[j] {
                lines.append(.same(old[i]))
                i += 1
                j += 1
            } else if i < n, j == m || common[i + 1][j] >= common[i][j + 1] {
                // A changed line shows as removed, then added.
                lines.append(.removed(old[i]))
                i += 1
            } else {
                lines.append(.added(new[j]))
                j += 1
            }
        }
        self.lines = lines
    }

    public var added: Int { lines.filter { if case .added = $0 { true } else { false } }.count }
    public var removed: Int { lines.filter { if case .removed = $0 { true } else { false } }.count }
    public var isEmpty: Bool { added == 0 && removed == 0 }

    /// `--- old`, `+++ new` and hunks with `context` lines around each change.
    public func unified(oldName: String, newName: String, context: Int = 3) -> String {
        guard !isEmpty else { return "" }
        var output = ["--- \(oldName)", "+++ \(newName)"]
        let changed = lines.indices.filter { if case .same = lines[$0] { false } else { true } }
        var start = 0
        while start < changed.count {
            var end = start
            while end + 1 < changed.count, changed[end + 1] - changed[end] <= 2 * context { end += 1 }
            let from = max(0, changed[start] - context), to = min(lines.count - 1, changed[end] + context)
            // Line numbers of the hunk in each text.
            var oldLine = 1, newLine = 1
            for line in lines[..<from] {
                switch line {
                case .same: oldLine += 1; newLine += 1
                case .removed: oldLine += 1
                case .added: newLine += 1
                }
            }
            let hunk = lines[from...to]
            let oldCount = hunk.filter { if case .added = $0 { false } else { true } }.count
            let newCount = hunk.filter { if case .removed = $0 { false } else { true } }.count
            output.append("@@ -\(oldLine),\(oldCount) +\(newLine),\(newCount) @@")
            for line in hunk {
                switch line {
                case .same(let text): output.append(" " + text)
                case .removed(let text): output.append("-" + text)
                case .added(let text): output.append("+" + text)
                }
            }
            start = end + 1
        }
        return output.joined(separator: "\n")
    }
}

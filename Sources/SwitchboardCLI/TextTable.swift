import Core
/// Rows of text in aligned columns under a header, as list commands print them.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { column in
                column == row.count - 1 ? row[column] : row[column].padding(toLength: widths[column] + 1)
            }.joined(separator: " ")
        }.joined(separator: "\n")
    }
}

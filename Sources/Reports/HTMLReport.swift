import Foundation

/// A report as one static HTML file: its table and its charts as inline SVG, no script and
/// nothing fetched, so it opens anywhere and can be mailed.
public enum HTMLReport {
    public static func render(_ sheets: [ReportSheet], generated: String) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(sheets.map(\.title).joined(separator: ", ")))</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:24px;color:#222}
            h1{font-size:20px}h2{font-size:16px;margin-top:28px}
            table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}
            th{background:#f2f2f2}td.t,th.t{text-align:left;white-space:nowrap}
            .period{color:#666}.legend span{display:inline-block;margin-right:14px}
            .legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
            </style></head><body>

            """
        for sheet in sheets {
            html += "<h1>\(escape(sheet.title))</h1>\n<p class=\"period\">\(escape(sheet.period)) · generated \(escape(generated))</p>\n"
            for chart in sheet.charts where !chart.labels.isEmpty { html += "<h2>\(escape(chart.title))</h2>\n" + svg(chart) + "\n" }
            html += table(sheet)
        }
        return html + "</body></html>\n"
    }

    static func table(_ sheet: ReportSheet) -> String {
        guard !sheet.rows.isEmpty else { return "<p>No calls in this period.</p>\n" }
        var html = "<table><thead><tr>" + zip(sheet.columns, sheet.rows.first ?? []).map { column, value in
            "<th\(isText(value) ? " class=\"t\"" : "")>\(escape(column.title))</th>"
        }.joined() + "</tr></thead><tbody>\n"
        for row in sheet.rows { html += "<tr>" + row.map { "<td\(isText($0) ? " class=\"t\"" : "")>\(escape(ReportSheet.text($0)))</td>" }.joined() + "</tr>\n" }
        return html + "</tbody></table>\n"
    }

    static func isText(_ value: ReportSheet.Value) -> Bool {
        if case .text = value { return true }
        return false
    }

    static let colors = ["#2e7d32", "#81c784", "#c62828", "#ef9a9a", "#90a4ae", "#5c6bc0"]

    /// Bars per label, 800 × 260 plus the legend; values scaled to the largest stack.
    static func svg(_ chart: ReportChart) -> String {
        let width = 800.0, height = 220.0, left = 56.0, bottom = 40.0, top = 10.0
        let plotWidth = width - left - 10, plotHeight = height - bottom - top
        let count = chart.labels.count
        let slot = plotWidth / Double(max(count, 1))
        let bar = min(48, max(1, slot * 0.7))
        var parts: [String] = []
        let maxValue: Double
        switch chart.kind {
        case .stackedBars:
            maxValue = max(1, (0..<count).map { i in chart.series.reduce(0) { $0 + max(0, $1.values[i]) } }.max() ?? 1)
        case .shareAgainstTarget:
            maxValue = 1
        }
        func y(_ value: Double) -> Double { top + plotHeight - value / maxValue * plotHeight }
        // Axis and its scale: zero, half and the top.
        parts.append("<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(width - 10)\" y2=\"\(top + plotHeight)\" stroke=\"#444\"/>")
        for fraction in [0.0, 0.5, 1.0] {
            let value = maxValue * fraction
            parts.append("<text x=\"\(left - 6)\" y=\"\(format(y(value) + 4))\" text-anchor=\"end\" font-size=\"11\">\(escape(axis(value, chart.unit)))</text>")
            parts.append("<line x1=\"\(left)\" y1=\"\(format(y(value)))\" x2=\"\(width - 10)\" y2=\"\(format(y(value)))\" stroke=\"#eee\"/>")
        }
        for i in 0..<count {
            let x = left + Double(i) * slot + (slot - bar) / 2
            switch chart.kind {
            case .stackedBars:
                var base = 0.0
                for (index, series) in chart.series.enumerated() where series.values[i] > 0 {
                    let value = series.values[i]
                    parts.append("<rect x=\"\(format(x))\" y=\"\(format(y(base + value)))\" width=\"\(format(bar))\" height=\"\(format(value / maxValue * plotHeight))\" fill=\"\(colors[index % colors.count])\"><title>\(escape("\(chart.labels[i]) \(series.name): \(axis(value, chart.unit))"))</title></rect>")
                    base += value
                }
            case .shareAgainstTarget(let target):
                let value = chart.series.first?.values[i] ?? 0
                parts.append("<rect x=\"\(format(x))\" y=\"\(format(y(value)))\" width=\"\(format(bar))\" height=\"\(format(value * plotHeight))\" fill=\"\(value >= target ? colors[0] : colors[2])\"><title>\(escape("\(chart.labels[i]): \(axis(value, .share))"))</title></rect>")
            }
        }
        if case .shareAgainstTarget(let target) = chart.kind {
            parts.append("<line x1=\"\(left)\" y1=\"\(format(y(target)))\" x2=\"\(width - 10)\" y2=\"\(format(y(target)))\" stroke=\"#1565c0\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>")
            parts.append("<text x=\"\(width - 12)\" y=\"\(format(y(target) - 4))\" text-anchor=\"end\" font-size=\"11\" fill=\"#1565c0\">target \(Int(target * 100))%</text>")
        }
        // Labels under the bars: as many as fit.
        let every = max(1, Int((Double(count) * 70 / plotWidth).rounded(.up)))
        for i in stride(from: 0, to: count, by: every) {
            let x = left + (Double(i) + 0.5) * slot
            parts.append("<text x=\"\(format(x))\" y=\"\(format(top + plotHeight + 16))\" text-anchor=\"middle\" font-size=\"10\">\(escape(shortLabel(chart.labels[i])))</text>")
        }
        let legend = chart.series.count < 2 ? "" : "<div class=\"legend\">" + chart.series.enumerated().map { index, series in
            "<span><i style=\"background:\(colors[index % colors.count])\"></i>\(escape(series.name))</span>"
        }.joined() + "</div>"
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\"><title>\(escape(chart.title))</title>"
            + parts.joined() + "</svg>" + legend
    }

    /// The time of day for intervals within a day, the whole label otherwise.
    static func shortLabel(_ label: String) -> String {
        let parts = label.split(separator: " ")
        return parts.count == 2 ? String(parts[1]) : label
    }

    static func axis(_ value: Double, _ unit: ReportChart.Unit) -> String {
        switch unit {
        case .calls: String(Int(value.rounded()))
        case .seconds: ReportSheet.duration(value)
        case .share: String(format: "%.0f%%", value * 100)
        }
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

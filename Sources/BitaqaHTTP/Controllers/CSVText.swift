import Foundation

/// Comma-separated values as spreadsheets read them (RFC 4180): a header line, CRLF line ends, fields
/// quoted when they hold a comma, a quote or a line break.
///
/// A field that a spreadsheet would take for a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) is prefixed with `'`, so a buyer's email or a shop's reference cannot run in the
/// merchant's spreadsheet. Phone numbers and signed numbers (`+213…`, `-5`) are left as they are: they
/// are values, not formulas.
struct CSVText {
    private(set) var text = ""

    init(header: [String]) {
        append(header)
    }

    mutating func append(_ fields: [String?]) {
        text += fields.map { Self.field($0 ?? "") }.joined(separator: ",") + "\r\n"
    }

    static func field(_ raw: String) -> String {
        var value = raw
        if let first = value.first, "=+-@\t\r".contains(first), !isSignedNumber(value) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func isSignedNumber(_ value: String) -> Bool {
        let digits = value.dropFirst()
        return (value.first == "+" || value.first == "-") && !digits.isEmpty && digits.allSatisfy(\.isNumber)
    }
}

import Foundation

/// The one encoder of response bodies: sorted keys, so the same answer is the same bytes every time
/// (a customer must not tell "not yours" from "missing" by key order).
enum ResponseJSON {
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

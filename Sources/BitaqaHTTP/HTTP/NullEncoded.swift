/// An optional that encodes as `null` when absent instead of being left out, so response objects
/// keep every key the interface names ("unknown fields are null") without hand-written `encode(to:)`.
// swift-format-ignore: UseSynthesizedInitializer
@propertyWrapper
struct NullEncoded<Value: Encodable>: Encodable {
    var wrappedValue: Value?

    // The synthesized initializer would default `wrappedValue` to nil, which changes the memberwise
    // initializers of the types that use the wrapper; this one keeps the argument required.
    init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue {
            try container.encode(wrappedValue)
        } else {
            try container.encodeNil()
        }
    }
}

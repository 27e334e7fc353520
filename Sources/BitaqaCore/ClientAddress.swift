#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Client addresses as rate limits count them.
public enum ClientAddress {
    /// The key a per-address limit counts under: an IPv4 address as it is, an IPv6 address by its /64
    /// prefix (one customer's network usually gets a whole /64, so rotating within it must not buy a
    /// fresh allowance), an IPv4-mapped IPv6 address as its IPv4 address, anything else as given.
    public static func limitKey(_ address: String) -> String {
        var v6 = in6_addr()
        guard address.contains(":"), inet_pton(AF_INET6, address, &v6) == 1 else { return address }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {
            return bytes[12..<16].map(String.init).joined(separator: ".")
        }
        let groups = stride(from: 0, to: 8, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        return groups.joined(separator: ":") + "::/64"
    }
}

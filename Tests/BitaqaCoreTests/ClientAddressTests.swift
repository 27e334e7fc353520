import BitaqaCore
import Testing

@Suite("Client addresses for limits")
struct ClientAddressTests {
    @Test("IPv6 counts by /64, so rotating inside one network buys no fresh allowance")
    func ipv6ByPrefix() {
        let key = ClientAddress.limitKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd")
        #expect(key == "2001:db8:1:2::/64")
        #expect(ClientAddress.limitKey("2001:db8:1:2::1") == key)
        #expect(ClientAddress.limitKey("2001:0DB8:0001:0002:ffff::9") == key)
        #expect(ClientAddress.limitKey("2001:db8:1:3::1") != key)
    }

    @Test("IPv4, IPv4-mapped IPv6 and anything else")
    func others() {
        #expect(ClientAddress.limitKey("203.0.113.9") == "203.0.113.9")
        #expect(ClientAddress.limitKey("::ffff:203.0.113.9") == "203.0.113.9")
        #expect(ClientAddress.limitKey("unknown") == "unknown")
        #expect(ClientAddress.limitKey("not:an:address") == "not:an:address")
    }
}

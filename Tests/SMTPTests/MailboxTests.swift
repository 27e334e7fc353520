import Testing

@testable import SMTP

@Suite("Mailbox parsing")
struct MailboxTests {
    @Test(
        arguments: [
            ("Cards <cards@shop.dz>", "cards@shop.dz", "Cards"),
            ("cards@shop.dz", "cards@shop.dz", nil),
            ("  <cards@shop.dz>  ", "cards@shop.dz", nil),
            ("\"Shop, Inc.\" <cards@shop.dz>", "cards@shop.dz", "Shop, Inc."),
            ("\"Say \\\"hi\\\"\" <a@b.dz>", "a@b.dz", "Say \"hi\""),
            ("متجر البطاقات <cards@shop.dz>", "cards@shop.dz", "متجر البطاقات"),
        ] as [(String, String, String?)])
    func parsesMailboxes(text: String, address: String, name: String?) throws {
        let mailbox = try Mailbox(parsing: text)
        #expect(mailbox.address == address)
        #expect(mailbox.name == name)
    }

    @Test(arguments: [
        "", "cards", "Cards <cards@shop.dz", "<@shop.dz>", "cards@", "a b@shop.dz", "Cards <a@b>\r\nBcc: x@y",
        "cards@shop.dz\n", "x@y, z@w",
    ])
    func rejectsInvalidMailboxes(text: String) {
        let error = #expect(throws: SMTPError.self) { try Mailbox(parsing: text) }
        #expect(error?.kind == .invalidMessage)
    }

    @Test func descriptionIsHumanReadable() {
        #expect(Mailbox(address: "a@b.dz", name: "متجر").description == "متجر <a@b.dz>")
        #expect(Mailbox(address: "a@b.dz").description == "a@b.dz")
    }
}

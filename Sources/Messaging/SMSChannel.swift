import AsyncHTTPClient
import BitaqaCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// SMS through a Twilio-compatible API: `POST {base}/2010-04-01/Accounts/{SID}/Messages.json` with form
/// fields `To`, `From`, `Body` and HTTP Basic auth `SID:TOKEN`.
///
/// 2xx is delivered (the returned `sid` is the provider id); 429 and 5xx are temporary; other 4xx are
/// permanent; no answer at all is temporary. Bodies are never logged.
public final class SMSChannel: MessageChannel {
    let baseURL: String
    let accountSID: String
    let authToken: Secret
    let sender: String
    package let http: HTTPClient
    let timeout: Duration

    /// - Parameter http: the client to call the gateway through; its owner shuts it down.
    public init(
        baseURL: String, accountSID: String, authToken: Secret, sender: String, http: HTTPClient, timeout: Duration
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accountSID = accountSID
        self.authToken = authToken
        self.sender = sender
        self.timeout = timeout
        self.http = http
    }

    /// An HTTP client set up as the gateway needs it: no redirects, a 5 s connect timeout.
    public static func makeHTTPClient() -> HTTPClient {
        HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5))))
    }

    public func send(_ message: OutgoingMessage) async throws(DeliveryFailure) -> String? {
        let path = "/2010-04-01/Accounts/\(Self.encode(accountSID))/Messages.json"
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .POST
        let credentials = Data("\(accountSID):\(authToken.unsafeRevealed)".utf8).base64EncodedString()
        request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        let form = [("To", message.recipient), ("From", sender), ("Body", message.text)]
            .map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: form))
        let status: Int
        let body: [UInt8]
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout / .nanoseconds(1))))
            status = Int(response.status.code)
            var buffer = try await response.body.collect(upTo: 256 * 1024)
            body = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            throw .temporary("the SMS gateway did not answer")
        }
        switch status {
        case 200..<300:
            let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
            return object?["sid"] as? String
        case 429, 500...599:
            throw .temporary("the SMS gateway answered \(status)")
        default:
            let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
            let code = (object?["code"]).map { " (code \($0))" } ?? ""
            throw .permanent("the SMS gateway refused the message: \(status)\(code)")
        }
    }

    /// `application/x-www-form-urlencoded` value encoding.
    static func encode(_ value: String) -> String {
        // ASCII only: Foundation's `alphanumerics` would let Arabic letters through unencoded.
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._*")
        return (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value).replacingOccurrences(
            of: "%20", with: "+")
    }
}

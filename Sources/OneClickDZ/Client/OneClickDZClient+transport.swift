import AsyncHTTPClient
import BitaqaCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Orders

extension OneClickDZClient {
    /// One logical call: key fallback on 401, retries for idempotent calls, the envelope checked.
    func call(
        _ method: HTTPMethod, _ path: String, query: [String: String] = [:], body: [String: Any]? = nil,
        idempotent: Bool
    ) async throws(UpstreamError) -> Envelope.Parsed {
        let attempts = idempotent ? configuration.retry.maxAttempts : 1
        var attempt = 1
        while true {
            do {
                return try await callWithKeys(method, path, query: query, body: body)
            } catch {
                guard error.isRetryable, attempt < attempts else { throw error }
                let delay = configuration.retry.delay(afterAttempt: attempt, retryAfter: error.retryAfter)
                logger.debug(
                    "retrying upstream call",
                    metadata: [
                        "path": "\(Self.route(path))", "attempt": "\(attempt)", "error": "\(error)",
                        "delay_ms": "\(delay / .milliseconds(1))",
                    ]
                )
                do { try await sleep(delay) } catch { throw UpstreamError(.timeout, message: "cancelled") }
                attempt += 1
            }
        }
    }

    /// Tries the preferred key, and the other one once on 401.
    private func callWithKeys(
        _ method: HTTPMethod, _ path: String, query: [String: String], body: [String: Any]?
    ) async throws(UpstreamError) -> Envelope.Parsed {
        var keys = [configuration.apiKey]
        if let secondary = configuration.secondaryKey { keys.append(secondary) }
        let secondaryFirst = useSecondaryFirst.withLockedValue { $0 }
        if secondaryFirst { keys.reverse() }
        do {
            return try await perform(method, path, query: query, body: body, key: keys[0])
        } catch  where error.isAuthentication && keys.count == 2 {
            logger.warning(
                "upstream refused the \(secondaryFirst ? "secondary" : "primary") API key; trying the other once")
            let result = try await perform(method, path, query: query, body: body, key: keys[1])
            useSecondaryFirst.withLockedValue { $0 = !secondaryFirst }
            return result
        }
    }

    /// One HTTP exchange, mapped to the envelope or an ``UpstreamError``.
    private func perform(
        _ method: HTTPMethod, _ path: String, query: [String: String], body: [String: Any]?, key: Secret
    ) async throws(UpstreamError) -> Envelope.Parsed {
        var url = configuration.baseURL + "/v3" + path
        if !query.isEmpty {
            url +=
                "?"
                + query.sorted { $0.key < $1.key }
                .map { "\($0.key)=\(OneClickDZClient.pathSegment($0.value))" }
                .joined(separator: "&")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "X-Access-Token", value: key.unsafeRevealed)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: configuration.userAgent)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        if let limiter = configuration.rateLimiter {
            do { try await limiter.acquire() } catch { throw UpstreamError(.timeout, message: "cancelled") }
        }
        let started = ContinuousClock.now
        let status: Int
        let headers: HTTPHeaders
        let bytes: [UInt8]
        do {
            let response = try await http.execute(request, timeout: configuration.requestTimeout.timeAmount)
            status = Int(response.status.code)
            headers = response.headers
            var buffer = try await response.body.collect(upTo: 2 * 1024 * 1024)
            bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch {
            let mapped = Self.transportError(error)
            logger.info("upstream call failed", metadata: ["route": "\(Self.route(path))", "error": "\(mapped)"])
            throw mapped
        }
        let envelope = Envelope.parse(bytes)
        // Status, route and the upstream's request id only: bodies of check-id/check-ref/list hold card codes.
        logger.debug(
            "upstream call",
            metadata: [
                "method": "\(method.rawValue)", "route": "\(Self.route(path))", "status": "\(status)",
                "upstream_request_id": "\(envelope?.requestID ?? "-")",
                "duration_ms": "\(String(format: "%.1f", (ContinuousClock.now - started) / .milliseconds(1)))",
            ]
        )
        if (200..<300).contains(status), let envelope, envelope.success {
            return envelope
        }
        throw Self.error(status: status, headers: headers, envelope: envelope)
    }

    static func error(status: Int, headers: HTTPHeaders, envelope: Envelope.Parsed?) -> UpstreamError {
        let code = envelope?.errorCode
        let requestID = envelope?.requestID
        let message = envelope?.errorMessage
        func make(_ kind: UpstreamError.Kind, retryAfter: Double? = nil) -> UpstreamError {
            UpstreamError(
                kind, code: code, httpStatus: status, retryAfter: retryAfter, requestID: requestID, message: message)
        }
        switch status {
        case 401: return make(.authentication)
        case 403: return make(.forbidden)
        case 404: return make(.notFound)
        case 429: return make(.rateLimited, retryAfter: retryAfter(headers))
        case 500...599: return make(.server, retryAfter: retryAfter(headers))
        case 400..<500: return make(.validation)
        default:
            // 2xx with `success: false` or an unreadable body, or an unexpected status.
            if let envelope, !envelope.success, let code {
                switch code {
                case "ERR_PHONE", "ERR_VALIDATION", "ERR_STOCK": return make(.validation)
                case "DUPLICATED_REF", "INSUFFICIENT_BALANCE", "NO_BALANCE", "IP_BLOCKED": return make(.forbidden)
                case "NOT_FOUND": return make(.notFound)
                default: break
                }
            }
            return make(.malformed)
        }
    }

    /// `Retry-After` as seconds, or an HTTP date.
    static func retryAfter(_ headers: HTTPHeaders) -> Double? {
        guard let raw = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return nil }
        if let seconds = Double(raw), seconds >= 0 { return min(seconds, 3_600) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: raw) else { return nil }
        return min(max(0, date.timeIntervalSinceNow), 3_600)
    }

    static func transportError(_ error: any Error) -> UpstreamError {
        if failedBeforeSending(error) {
            let text = (error as? HTTPClientError).map { "\($0)" } ?? String(describing: type(of: error))
            return UpstreamError(.unreachable, message: text)
        }
        if let client = error as? HTTPClientError {
            switch client {
            case .deadlineExceeded, .readTimeout, .connectTimeout:
                return UpstreamError(.timeout, message: "\(client)")
            default:
                return UpstreamError(.connection, message: "\(client)")
            }
        }
        return UpstreamError(.connection, message: String(describing: type(of: error)))
    }

    /// Failures that AsyncHTTPClient reports only while the request waited for a connection that never
    /// came: nothing was written, so nothing can have been carried out upstream.
    static func failedBeforeSending(_ error: any Error) -> Bool {
        if let client = error as? HTTPClientError {
            return client == .connectTimeout || client == .getConnectionFromPoolTimeout
        }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return true }
        // Only errors a connected socket cannot raise: an unreachable host may also end a connection
        // whose request was already written.
        if let io = error as? IOError { return io.errnoCode == ECONNREFUSED || io.errnoCode == EADDRNOTAVAIL }
        // A failed connect by host name (DNS included); matched by name, as the type lives in NIOPosix,
        // which this target does not import.
        return String(reflecting: type(of: error)) == "NIOPosix.NIOConnectionError"
    }

    /// The path with ids replaced, for logs and metric labels.
    static func route(_ path: String) -> String {
        let prefixes = [
            "/internet/check-id/", "/internet/check-ref/", "/gift-cards/checkOrder/", "/gift-cards/checkProduct/",
        ]
        for prefix in prefixes where path.hasPrefix(prefix) {
            return prefix + "{id}"
        }
        return path
    }
}

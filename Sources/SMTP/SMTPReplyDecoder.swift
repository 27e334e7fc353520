import NIOCore

/// Turns the bytes from the server into ``SMTPReply`` values.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let reply = try SMTPReplyParser.parse(&buffer) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(reply))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        // A partial reply at the end of the stream is dropped; the closed connection is reported instead.
        try self.decode(context: context, buffer: &buffer)
    }
}

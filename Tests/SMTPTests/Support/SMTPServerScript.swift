/// The Python SMTP servers the tests run, written to a temporary directory at start so that the test target
/// needs no resources. Run with `/usr/bin/python3` (Debian's, which has `python3-aiosmtpd`).
let smtpServerScript = #"""
    """SMTP servers for the SMTP client tests: aiosmtpd in several modes, or a raw socket server.

    Each received message is saved as N.eml (raw bytes) and N.json (envelope and a parse by Python's email package)
    in --dir. The chosen port is printed and written to --port-file once the server accepts connections.
    Exits by itself when its parent process dies or after --lifetime seconds.
    """
    import argparse
    import base64
    import email
    import json
    import os
    import signal
    import socket
    import ssl
    import sys
    import threading
    import time
    from email import policy

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult


    def parse_arguments():
        parser = argparse.ArgumentParser()
        parser.add_argument("--dir", required=True)
        parser.add_argument("--port-file", required=True)
        parser.add_argument("--mode", default="plain",
                            choices=["plain", "starttls", "implicit", "raw"])
        parser.add_argument("--cert")
        parser.add_argument("--key")
        parser.add_argument("--user")
        parser.add_argument("--password")
        parser.add_argument("--auth-mechanism", choices=["PLAIN", "LOGIN"])
        parser.add_argument("--auth-without-tls", action="store_true")
        parser.add_argument("--fail-data", type=int, default=0)
        parser.add_argument("--fail-rcpt", type=int, default=0)
        parser.add_argument("--reject", action="append", default=[])
        parser.add_argument("--drop-data", action="store_true")
        parser.add_argument("--no-smtputf8", action="store_true")
        parser.add_argument("--raw-extension", action="append", default=[])
        parser.add_argument("--raw-inject", action="store_true")
        parser.add_argument("--raw-auth-echo", action="store_true")
        parser.add_argument("--raw-silent", action="store_true")
        parser.add_argument("--raw-no-ehlo", action="store_true")
        parser.add_argument("--lifetime", type=float, default=300)
        return parser.parse_args()


    def write_atomically(path, data):
        temporary = path + ".tmp"
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)


    class Recorder:
        def __init__(self, arguments):
            self.arguments = arguments
            self.lock = threading.Lock()
            self.count = 0
            self.fail_data = arguments.fail_data
            self.fail_rcpt = arguments.fail_rcpt

        def event(self, text):
            with self.lock:
                with open(os.path.join(self.arguments.dir, "events.log"), "a") as handle:
                    handle.write(text + "\n")

        async def handle_EHLO(self, server, session, envelope, hostname, responses):
            encrypted = server._tls_protocol is not None or self.arguments.mode == "implicit"
            self.event(f"EHLO {hostname} tls={encrypted} peer={session.peer[1]}")
            session.host_name = hostname
            return responses

        async def handle_RSET(self, server, session, envelope):
            self.event(f"RSET peer={session.peer[1]}")
            return "250 OK"

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in self.arguments.reject:
                self.event(f"RCPT rejected {address}")
                return "550 5.1.1 mailbox unavailable"
            with self.lock:
                if self.fail_rcpt > 0:
                    self.fail_rcpt -= 1
                    return "451 4.3.0 try again later"
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(rcpt_options)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            if self.arguments.drop_data:
                self.event("DATA dropped")
                server.transport.close()
                return "250 never seen"
            with self.lock:
                if self.fail_data > 0:
                    self.fail_data -= 1
                    return "451 4.3.0 temporary failure, try again"
                self.count += 1
                number = self.count
            raw = envelope.original_content
            summary = summarise(raw)
            summary.update({
                "mail_from": envelope.mail_from,
                "mail_options": envelope.mail_options,
                "rcpt_tos": envelope.rcpt_tos,
                "peer_port": session.peer[1],
                "tls": server._tls_protocol is not None or self.arguments.mode == "implicit",
                "authenticated": bool(session.authenticated),
            })
            base = os.path.join(self.arguments.dir, str(number))
            write_atomically(base + ".eml", raw)
            write_atomically(base + ".json", json.dumps(summary, ensure_ascii=False).encode("utf-8"))
            self.event(f"DATA saved {number} peer={session.peer[1]}")
            return f"250 2.0.0 Ok: queued as Q{number:04d}"


    def summarise(raw):
        message = email.message_from_bytes(raw, policy=policy.default)
        parts = []
        for part in message.walk():
            if part.is_multipart():
                continue
            parts.append({
                "content_type": part.get_content_type(),
                "charset": part.get_content_charset(),
                "transfer_encoding": part.get("Content-Transfer-Encoding", ""),
                "content": part.get_content(),
            })
        lines = raw.split(b"\r\n")
        return {
            "subject": str(message["Subject"]),
            "from": str(message["From"]),
            "to": str(message["To"]),
            "message_id": str(message["Message-ID"]),
            "date": str(message["Date"]),
            "content_type": message.get_content_type(),
            "defects": [repr(defect) for part in message.walk() for defect in part.defects],
            "parts": parts,
            "max_line_length": max(len(line) for line in lines),
            "bare_line_feeds": raw.replace(b"\r\n", b"").count(b"\n"),
        }


    class FreePortController(Controller):
        """Binds port 0; aiosmtpd's readiness probe needs the real port, read from the bound socket."""

        def _trigger_server(self):
            self.port = self.server.sockets[0].getsockname()[1]
            super()._trigger_server()


    def tls_context(arguments):
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(arguments.cert, arguments.key)
        return context


    def start_aiosmtpd(arguments):
        recorder = Recorder(arguments)
        options = {
            "hostname": "127.0.0.1",
            "port": 0,
            "server_hostname": "mx.test",
            "enable_SMTPUTF8": not arguments.no_smtputf8,
            "auth_require_tls": not arguments.auth_without_tls,
        }
        if arguments.user is not None:
            def authenticator(server, session, envelope, mechanism, auth_data):
                accepted = (auth_data.login == arguments.user.encode()
                            and auth_data.password == arguments.password.encode())
                recorder.event(f"AUTH {mechanism} {'accepted' if accepted else 'refused'}")
                return AuthResult(success=accepted, handled=False)
            options["authenticator"] = authenticator
            options["auth_required"] = True
            if arguments.auth_mechanism == "PLAIN":
                options["auth_exclude_mechanism"] = ["LOGIN"]
            elif arguments.auth_mechanism == "LOGIN":
                options["auth_exclude_mechanism"] = ["PLAIN"]
        if arguments.mode == "starttls":
            options["tls_context"] = tls_context(arguments)
            options["require_starttls"] = True
        elif arguments.mode == "implicit":
            options["ssl_context"] = tls_context(arguments)
            # aiosmtpd only knows STARTTLS as TLS; with implicit TLS the whole connection is encrypted already.
            options["auth_require_tls"] = False
        controller = FreePortController(recorder, **options)
        controller.start()
        return controller.port


    def start_raw(arguments):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)

        def accept_loop():
            while True:
                connection, _ = listener.accept()
                threading.Thread(target=raw_session, args=(arguments, connection), daemon=True).start()

        threading.Thread(target=accept_loop, daemon=True).start()
        return listener.getsockname()[1]


    def raw_session(arguments, connection):
        """A scripted server that records every byte it receives in received.log."""
        record = open(os.path.join(arguments.dir, "received.log"), "ab")

        def receive():
            data = connection.recv(65536)
            record.write(data)
            record.flush()
            return data

        try:
            if arguments.raw_silent:
                while receive():
                    pass
                return
            connection.sendall(b"220 raw.test ESMTP\r\n")
            buffer = b""
            in_data = False
            while True:
                data = receive()
                if not data:
                    return
                buffer += data
                while True:
                    if in_data:
                        end = buffer.find(b"\r\n.\r\n")
                        if end < 0:
                            break
                        buffer = buffer[end + 5:]
                        in_data = False
                        connection.sendall(b"250 2.0.0 Ok: queued as RAW1\r\n")
                        continue
                    end = buffer.find(b"\r\n")
                    if end < 0:
                        break
                    line = buffer[:end]
                    buffer = buffer[end + 2:]
                    verb = line.split(b" ")[0].upper()
                    if verb == b"EHLO" and arguments.raw_no_ehlo:
                        connection.sendall(b"502 5.5.2 Command not recognized\r\n")
                    elif verb == b"EHLO":
                        lines = ["raw.test"] + arguments.raw_extension
                        reply = "".join(f"250-{text}\r\n" for text in lines[:-1]) + f"250 {lines[-1]}\r\n"
                        connection.sendall(reply.encode())
                    elif verb == b"STARTTLS":
                        if arguments.raw_inject:
                            connection.sendall(b"220 2.0.0 Ready to start TLS\r\n250 injected\r\n")
                        else:
                            connection.sendall(b"454 4.7.0 TLS not available\r\n")
                    elif verb == b"AUTH":
                        if arguments.raw_auth_echo:
                            words = line.split(b" ")
                            payload = words[2] if len(words) > 2 else b""
                            decoded = base64.b64decode(payload).replace(b"\0", b" ")
                            connection.sendall(b"535 5.7.8 rejected " + payload + b" meaning" + decoded + b"\r\n")
                        else:
                            connection.sendall(b"235 2.7.0 Authentication successful\r\n")
                    elif verb == b"DATA":
                        connection.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                        in_data = True
                    elif verb == b"QUIT":
                        connection.sendall(b"221 2.0.0 Bye\r\n")
                        return
                    else:
                        connection.sendall(b"250 OK\r\n")
        except OSError:
            pass
        finally:
            record.close()
            connection.close()


    def main():
        # The test runner's blocked signals are inherited; unblock them so the server can always be stopped.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        arguments = parse_arguments()
        os.makedirs(arguments.dir, exist_ok=True)
        parent = os.getppid()
        port = start_raw(arguments) if arguments.mode == "raw" else start_aiosmtpd(arguments)
        write_atomically(arguments.port_file, str(port).encode())
        print(f"PORT {port}", flush=True)
        deadline = time.monotonic() + arguments.lifetime
        while os.getppid() == parent and time.monotonic() < deadline:
            time.sleep(0.2)
        os._exit(0)


    if __name__ == "__main__":
        main()
    """#

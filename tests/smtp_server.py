"""A real SMTP server for the delivery tests (aiosmtpd), with fault injection.

Every accepted message is stored as one file in --store (named by its sequence number and
recipient), so tests count what arrived. Faults:
  --reject-rcpt ADDR     550 for this recipient at RCPT TO (repeatable)
  --fail-data N:CODE     the first N DATA commands get CODE (421 or 451) instead of 250
  --drop-data N          the first N DATA commands: the connection is closed without reply
  --gate-after K         after K stored messages, hold every DATA until the file
                         <store>/open exists; a message whose client died meanwhile is dropped
  --count-only           store nothing but the count (benchmarks)
  --starttls CERT,KEY    offer and require STARTTLS with this certificate
  --tls CERT,KEY         implicit TLS (SMTPS) with this certificate
Prints "PORT <n>" when it listens.
"""

import argparse
import asyncio
import os
import socket
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP


def gone(server):
    """Whether the client hung up (asyncio may not have noticed yet: peek at the socket)."""
    transport = server.transport
    if transport is None or transport.is_closing():
        return True
    probe = socket.socket(fileno=os.dup(transport.get_extra_info("socket").fileno()))
    try:
        return probe.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        probe.close()


class Handler:
    def __init__(self, args):
        self.args = args
        self.reject = {a.lower() for a in args.reject_rcpt}
        fail = args.fail_data.split(":") if args.fail_data else ["0", "451"]
        self.fail_left, self.fail_code = int(fail[0]), int(fail[1])
        self.drop_left = args.drop_data
        self.stored = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.fail_left > 0:
                self.fail_left -= 1
                text = "service not available" if self.fail_code == 421 else "try again later"
                return f"{self.fail_code} 4.3.0 {text}"
            if self.drop_left > 0:
                self.drop_left -= 1
                server.transport.close()
                return None
        if self.args.gate_after is not None:
            while self.stored >= self.args.gate_after and not os.path.exists(os.path.join(self.args.store, "open")):
                await asyncio.sleep(0.02)
                if gone(server):
                    return None
            if gone(server):
                return None
        with self.lock:
            self.stored += 1
            n = self.stored
        if self.args.count_only:
            with open(os.path.join(self.args.store, "count"), "w") as f:
                f.write(str(n))
        else:
            for rcpt in envelope.rcpt_tos:
                path = os.path.join(self.args.store, f"{n:06d}-{rcpt}.eml")
                with open(path + ".tmp", "wb") as f:
                    f.write(envelope.original_content)
                os.rename(path + ".tmp", path)
        return "250 2.0.0 stored"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--store", required=True)
    parser.add_argument("--reject-rcpt", action="append", default=[])
    parser.add_argument("--fail-data")
    parser.add_argument("--drop-data", type=int, default=0)
    parser.add_argument("--gate-after", type=int)
    parser.add_argument("--count-only", action="store_true")
    parser.add_argument("--starttls")
    parser.add_argument("--tls")
    args = parser.parse_args()
    os.makedirs(args.store, exist_ok=True)
    port = args.port
    if port == 0:  # aiosmtpd cannot listen on port 0: take a free one
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
    def context(pair):
        cert, key = pair.split(",")
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        return ctx

    options = {"data_size_limit": 64 * 1024 * 1024}
    if args.starttls:
        options.update(tls_context=context(args.starttls), require_starttls=True)
    controller = Controller(
        Handler(args), hostname="127.0.0.1", port=port,
        ssl_context=context(args.tls) if args.tls else None,
        server_hostname="localhost",
        **options,
    )
    controller.start()
    print(f"PORT {controller.port}", flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    main()

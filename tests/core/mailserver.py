"""Mail servers on loopback for the tests: a real one (aiosmtpd in a thread) and a silent one."""
import email
import email.policy
import socket
import threading
from contextlib import contextmanager

from aiosmtpd.controller import Controller


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """What the server received; `refuse` answers the next messages with an SMTP reply instead."""

    def __init__(self):
        self.messages = []
        self.refuse = []          # replies such as "451 4.3.0 try later", used up in order
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse:
                return self.refuse.pop(0)
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def ids(self):
        with self.lock:
            return [m["Message-ID"] for m in self.messages]


@contextmanager
def smtp_server():
    """A real SMTP server on 127.0.0.1; yields (port, inbox)."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@contextmanager
def silent_server():
    """Accepts connections and never says a word: a mail server that hangs. Yields its port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(50)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()

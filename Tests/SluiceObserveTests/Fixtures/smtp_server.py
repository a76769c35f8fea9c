"""A loopback SMTP server for alert tests (aiosmtpd): writes each message to
DIR/<n>.eml with the envelope in DIR/<n>.json. Writes its port to PORTFILE, serves until killed.
    python3 smtp_server.py PORTFILE DIR
"""
import asyncio
import json
import os
import signal
import socket
import sys
import time

from aiosmtpd.controller import Controller

# The test process may ignore SIGTERM, and children inherit that: take the default back.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
port_file, directory = sys.argv[1], sys.argv[2]


class Handler:
    def __init__(self):
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        with open(os.path.join(directory, f"{self.n}.eml"), "wb") as f:
            f.write(envelope.original_content)
        with open(os.path.join(directory, f"{self.n}.json"), "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
        return "250 Message accepted"


s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
# server_hostname: skip aiosmtpd's getfqdn(), a reverse DNS lookup that hangs without a resolver.
controller = Controller(Handler(), hostname="127.0.0.1", port=port, server_hostname="localhost")
controller.start()
with open(port_file + ".tmp", "w") as f:
    f.write(str(port))
os.rename(port_file + ".tmp", port_file)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()

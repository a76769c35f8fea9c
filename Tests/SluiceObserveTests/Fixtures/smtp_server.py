"""A loopback SMTP server for alert tests (aiosmtpd): writes each message to
DIR/<n>.eml with the envelope in DIR/<n>.json. Prints its port, serves until killed.
    python3 smtp_server.py DIR
"""
import asyncio
import json
import os
import socket
import sys
import time

from aiosmtpd.controller import Controller

directory = sys.argv[1]


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
controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print(port, flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()

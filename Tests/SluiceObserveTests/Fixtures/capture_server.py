"""A loopback HTTP server for alert tests: appends each POST as one JSON line
{"path": ..., "headers": {...}, "body": "..."} to OUT, answering 500 to the first FAIL
requests (to exercise retries). Writes its port to PORTFILE, then serves until killed.
    python3 capture_server.py PORTFILE OUT FAIL
"""
import http.server
import json
import os
import signal
import socketserver
import sys
import threading

# The test process may ignore SIGTERM, and children inherit that: take the default back.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
port_file, out_path, fail = sys.argv[1], sys.argv[2], int(sys.argv[3])
lock = threading.Lock()
count = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        with lock:
            count[0] += 1
            failing = count[0] <= fail
            if not failing:
                with open(out_path, "a") as f:
                    f.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body}) + "\n")
        self.send_response(500 if failing else 200)
        self.end_headers()
        self.wfile.write(b"fail" if failing else b"ok")

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    def server_bind(self):
        # Skip HTTPServer's getfqdn(): a reverse DNS lookup that hangs without a resolver.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.server_address[1]


server = Server(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(port_file + ".tmp", port_file)
server.serve_forever()

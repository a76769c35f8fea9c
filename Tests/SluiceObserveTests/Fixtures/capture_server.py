"""A loopback HTTP server for alert tests: appends each POST as one JSON line
{"path": ..., "headers": {...}, "body": "..."} to OUT, answering 500 to the first FAIL
requests (to exercise retries). Prints its port on stdout, then serves until killed.
    python3 capture_server.py OUT FAIL
"""
import http.server
import json
import sys
import threading

out_path, fail = sys.argv[1], int(sys.argv[2])
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


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()

"""Children for the `roster wrap` suites, one behaviour per mode:

  listen PORT OPEN CLOSE      listen on 127.0.0.1:PORT once file OPEN exists, stop listening
                              once CLOSE exists, keep running; exit 0 on SIGTERM
  http PORT STATUS_FILE       an http.server on 127.0.0.1:PORT answering every GET with the
                              status written in STATUS_FILE (200 when absent); exit 0 on SIGTERM
  stop-probe AGENT CHECK OUT  on SIGTERM, ask the agent for CHECK's status, write it to OUT and
                              exit 7 (so a test sees what the agent said when the child heard of it)
  orphan OUT GATE             leave an orphan that writes its new parent's pid to OUT and exits,
                              then wait for file GATE and exit 5
"""
import http.server
import json
import os
import signal
import socket
import sys
import threading
import urllib.request

WAIT = threading.Event()


def wait_for_file(path):
    while not os.path.exists(path):
        WAIT.wait(0.02)


def exit_on_term(code=0):
    signal.signal(signal.SIGTERM, lambda *_: os._exit(code))


def listen(port, open_gate, close_gate):
    exit_on_term()
    wait_for_file(open_gate)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(port)))
    s.listen()
    wait_for_file(close_gate)
    s.close()
    while True:
        signal.pause()


def serve_http(port, status_file):
    exit_on_term()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            try:
                with open(status_file) as f:
                    status = int(f.read().strip() or 200)
            except OSError:
                status = 200
            body = f"status {status}\n".encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    http.server.HTTPServer(("127.0.0.1", int(port)), Handler).serve_forever()


def stop_probe(agent, check, out):
    def on_term(*_):
        with urllib.request.urlopen(f"http://{agent}/v1/agent/checks", timeout=5) as r:
            checks = json.load(r)
        with open(out, "w") as f:
            f.write(checks.get(check, {}).get("Status", "absent"))
        os._exit(7)
    signal.signal(signal.SIGTERM, on_term)
    with open(out + ".ready", "w") as f:
        f.write(str(os.getpid()))
    while True:
        signal.pause()


def orphan(out, gate):
    if os.fork() == 0:  # the middle process: starts the orphan-to-be and exits at once
        middle = os.getpid()
        if os.fork() == 0:
            while os.getppid() == middle:  # until the middle process is gone and we are re-parented
                WAIT.wait(0.01)
            with open(out + ".tmp", "w") as f:
                f.write(str(os.getppid()))
            os.rename(out + ".tmp", out)
            os._exit(0)  # an orphan that exits: a zombie unless its new parent reaps it
        os._exit(0)
    os.wait()  # the middle process is ours
    wait_for_file(gate)
    sys.exit(5)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    {"listen": listen, "http": serve_http, "stop-probe": stop_probe, "orphan": orphan}[mode](*args)

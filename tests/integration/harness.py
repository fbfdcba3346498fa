"""Runs the real `roster` binary for integration tests.

Every agent binds port 0 and writes a ready file with the real ports; tests
wait on conditions with deadlines (`eventually`), never on fixed sleeps.
"""
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request

ROSTER = os.environ.get("ROSTER_BIN", "roster")
SOURCE_DIR = os.environ.get("ROSTER_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def eventually(predicate, timeout=10.0, interval=0.02, message="condition"):
    """Polls `predicate` until it returns a truthy value or `timeout` passes."""
    deadline = time.monotonic() + timeout
    last = None
    pause = threading.Event()  # the poll interval of a deadline-bounded wait
    while True:
        last = predicate()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}; last value: {last!r}")
        pause.wait(interval)


def free_port(kind=socket.SOCK_STREAM):
    """A free port for a child that will bind it later, chosen below the
    kernel's ephemeral range so that no connection made meanwhile (by the
    agent, the wrapper or anything else on the host) can take it, as can
    happen to a port handed out by bind(0). Free for both TCP and UDP."""
    rng = random.SystemRandom()
    low = 20000
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            first = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        first = 32768
    high = max(low + 1000, first)
    for _ in range(200):
        port = rng.randrange(low, high)
        try:
            for k in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                with socket.socket(socket.AF_INET, k) as s:
                    s.bind(("0.0.0.0", port))
            return port
        except OSError:
            continue
    raise AssertionError("no free port below the ephemeral range")


class Agent:
    """A `roster agent -dev` process on port 0.

    dev=False runs it without -dev (persistent state); unless `extra` names a
    -data-dir, it gets one inside its temp dir. `config` (a dict) is written
    to a JSON file there and loaded with -config-file.
    """

    def __init__(self, node="testnode", extra=(), http_port=0, dev=True, config=None):
        self.dir = tempfile.mkdtemp(prefix="roster-it-")
        if config is not None:
            path = os.path.join(self.dir, "config.json")
            with open(path, "w") as f:
                json.dump(config, f)
            extra = ["-config-file", path, *extra]
        self.ready_path = os.path.join(self.dir, "ready.json")
        self.log_path = os.path.join(self.dir, "agent.log")
        mode = ["-dev"] if dev else ([] if "-data-dir" in extra else ["-data-dir", os.path.join(self.dir, "data")])
        # Gossip on a free port too, unless the test picks one.
        serf = [] if any(str(a).startswith(("-serf-lan-port", "--serf-lan-port")) for a in extra) \
            else ["-serf-lan-port", "0"]
        self.args = [ROSTER, "agent", *mode, *(["-node", node] if node else []), "-http-port", str(http_port),
                     "-dns-port", "0", *serf, "-ready-file", self.ready_path, *extra]
        self.proc = None
        self.ready = None

    def start(self, timeout=10.0):
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT)
        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"agent exited with {self.proc.returncode}:\n{self.log()}")
            if not os.path.exists(self.ready_path):
                return None
            with open(self.ready_path) as f:
                return json.load(f)
        self.ready = eventually(ready, timeout, message="the agent's ready file")
        self.http_port = self.ready["http_port"]
        self.dns_port = self.ready["dns_port"]
        self.serf_port = self.ready.get("serf_lan_port")
        return self

    @property
    def http_addr(self):
        return f"127.0.0.1:{self.http_port}"

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, sig=signal.SIGINT, timeout=5.0):
        """Signals the agent and returns its exit code (kills it after `timeout`)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if hasattr(self, "_log"):
            self._log.close()
        return self.proc.returncode if self.proc else None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- HTTP -------------------------------------------------------------
    def http(self, method, path, body=None, headers=None):
        """Returns (status, headers, body bytes); never raises on HTTP errors."""
        data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
        req = urllib.request.Request(f"http://{self.http_addr}{path}", data=data, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def get_json(self, path):
        status, _, body = self.http("GET", path)
        assert status == 200, (status, body)
        return json.loads(body)

    # --- DNS ---------------------------------------------------------------
    def dig(self, name, qtype="A", *options):
        return dig(self.dns_port, name, qtype, *options)


class DigResult:
    """dig's output, parsed: status, flags and the records of each section."""

    FLAGS_PATTERN = r";; flags: ([a-z ]*);"

    def __init__(self, text):
        self.text = text
        m = re.search(r"status: (\w+)", text)
        self.status = m.group(1) if m else None
        m = re.search(self.FLAGS_PATTERN, text)
        self.flags = set(m.group(1).split()) if m else set()
        self.sections = {"ANSWER": [], "AUTHORITY": [], "ADDITIONAL": []}
        current = None
        for line in text.splitlines():
            m = re.match(r";; (ANSWER|AUTHORITY|ADDITIONAL) SECTION:", line)
            if m:
                current = m.group(1)
                continue
            if not line.strip() or line.startswith(";"):
                if not line.strip():
                    current = None
                continue
            if current:
                self.sections[current].append(line.split())

    def records(self, section="ANSWER", rtype=None):
        """[(owner, type, rdata...)] with the TTL and class dropped."""
        out = []
        for fields in self.sections[section]:
            owner, _ttl, _cls, typ, *rdata = fields
            if rtype is None or typ == rtype:
                out.append((owner, typ, *rdata))
        return out

    def rdata(self, rtype, section="ANSWER"):
        return sorted(" ".join(r[2:]) for r in self.records(section, rtype))


def dig(port, name, qtype="A", *options):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), name, qtype, "+time=2", "+tries=1", *options],
                         capture_output=True, text=True, timeout=20)
    return DigResult(out.stdout)

"""Shared by the test_dns_* suites: registrations through the agent's HTTP API,
real resolvers in front of the agent (dnsmasq, unbound, HAProxy), kdig and the
c-ares client, and raw DNS messages for byte-exact checks.

Every resolver runs in the foreground on a port the kernel just handed out,
with a temporary config derived from the shipped example in examples/, and is
stopped by the test's cleanup.
"""
import os
import re
import shutil
import socket
import struct
import subprocess
import tempfile

from harness import SOURCE_DIR, DigResult, dig, eventually, free_port

CARES_QUERY = os.environ.get("ROSTER_CARES_QUERY", "cares_query")


# --- registrations -------------------------------------------------------------

def register(agent, name, sid, port, address=None, tags=None, **extra):
    body = {"Name": name, "ID": sid, "Port": port, **extra}
    if address is not None:
        body["Address"] = address
    if tags:
        body["Tags"] = list(tags)
    status, _, text = agent.http("PUT", "/v1/agent/service/register", body)
    assert status == 200, (status, text)


def deregister(agent, sid):
    status, _, text = agent.http("PUT", f"/v1/agent/service/deregister/{sid}")
    assert status == 200, (status, text)


def instance_address(i):
    """A distinct loopback address per instance: 127.1.<hi>.<lo>, never .0."""
    return f"127.1.{i // 250}.{i % 250 + 1}"


def addr_target(ip, dc="dc1", domain="consul"):
    """The SRV target Consul gives an instance with an IPv4 address of its own."""
    return "".join(f"{int(o):02x}" for o in ip.split(".")) + f".addr.{dc}.{domain}."


# --- processes -------------------------------------------------------------------

def _tmpdir(test, prefix):
    d = tempfile.mkdtemp(prefix=prefix)
    test.addCleanup(shutil.rmtree, d, True)
    return d


def _spawn(test, args, log_path):
    log = open(log_path, "wb")
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)

    def stop():
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
    test.addCleanup(stop)
    return proc


def _read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def _answers(port, name, log_path, proc):
    """Waits until the resolver on `port` returns NOERROR for `name`."""
    def ok():
        if proc.poll() is not None:
            raise AssertionError(f"resolver exited with {proc.returncode}:\n{_read(log_path)}")
        r = dig(port, name)
        return r if r.status == "NOERROR" else None
    return eventually(ok, 15, message=f"the resolver on port {port} to answer {name}")


def start_dnsmasq(test, agent_dns_port, probe):
    """dnsmasq with examples/dnsmasq/roster.conf (port substituted); returns its port.
    `probe` is a name that resolves once dnsmasq forwards to the agent."""
    if not shutil.which("dnsmasq"):
        test.skipTest("dnsmasq is not installed")
    with open(os.path.join(SOURCE_DIR, "examples", "dnsmasq", "roster.conf")) as f:
        conf = f.read().replace("127.0.0.1#8600", f"127.0.0.1#{agent_dns_port}")
    tmp = _tmpdir(test, "roster-dnsmasq-")
    conf_path = os.path.join(tmp, "roster.conf")
    with open(conf_path, "w") as f:
        f.write(conf)
    port = free_port(socket.SOCK_DGRAM)
    log_path = os.path.join(tmp, "dnsmasq.log")
    proc = _spawn(test, ["dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts",
                         "--conf-file=" + conf_path, f"--port={port}", "--listen-address=127.0.0.1",
                         "--bind-interfaces", "--user=root", "--pid-file=", "--cache-size=0"], log_path)
    _answers(port, probe, log_path, proc)
    return port


def start_unbound(test, agent_dns_port, probe, extra=()):
    """unbound with examples/unbound/roster.conf (port substituted), in the
    foreground on a free port with a temporary config; returns its port.
    `extra`: more `server:` options, e.g. "use-caps-for-id: yes"."""
    if not shutil.which("unbound"):
        test.skipTest("unbound is not installed")
    with open(os.path.join(SOURCE_DIR, "examples", "unbound", "roster.conf")) as f:
        example = f.read()
    assert "127.0.0.1@8600" in example
    example = example.replace("127.0.0.1@8600", f"127.0.0.1@{agent_dns_port}")
    tmp = _tmpdir(test, "roster-unbound-")
    port = free_port(socket.SOCK_DGRAM)
    # The example's `server:` clause continues this one (unbound merges them).
    conf = "\n".join([
        "server:",
        "  interface: 127.0.0.1",
        f"  port: {port}",
        "  do-daemonize: no",
        '  username: ""',
        '  chroot: ""',
        f'  directory: "{tmp}"',
        '  pidfile: ""',
        "  use-syslog: no",
        '  logfile: ""',
        "  num-threads: 1",
        "  so-reuseport: no",
        "  verbosity: 1",
        *(f"  {line}" for line in extra),
        "",
        example,
    ])
    conf_path = os.path.join(tmp, "unbound.conf")
    with open(conf_path, "w") as f:
        f.write(conf)
    check = subprocess.run(["unbound-checkconf", conf_path], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    log_path = os.path.join(tmp, "unbound.log")
    proc = _spawn(test, ["unbound", "-d", "-c", conf_path], log_path)
    _answers(port, probe, log_path, proc)
    return port


# --- kdig (knot-dnsutils) ------------------------------------------------------

class KdigResult(DigResult):
    """kdig's output, parsed like harness.DigResult (kdig spells its flags line
    ";; Flags:"), plus the question as echoed and the reply size."""

    FLAGS_PATTERN = r";; Flags: ([a-z ]*);"

    def __init__(self, text):
        super().__init__(text)
        m = re.search(r";; QUESTION SECTION:\n;; (\S+)\s+IN\s+(\S+)", text)
        self.question = m.group(1) if m else None
        m = re.search(r";; Received (\d+) B", text)
        self.size = int(m.group(1)) if m else None


def kdig(port, name, qtype="A", *options):
    out = subprocess.run(["kdig", "@127.0.0.1", "-p", str(port), name, qtype, "+time=2", "+retry=0", *options],
                         capture_output=True, text=True, timeout=20)
    return KdigResult(out.stdout)


# --- c-ares (tests/tools/cares_query) ------------------------------------------

class CaresResult:
    """cares_query's lines: status, rcode, flags, counts, question, records."""

    def __init__(self, text, returncode):
        self.text = text
        self.returncode = returncode
        self.fields = {}
        self.records = []
        for line in text.splitlines():
            key, _, rest = line.partition(" ")
            if key in ("A", "AAAA", "SRV", "TXT", "PTR", "SOA", "NS"):
                self.records.append((key, rest))
            else:
                self.fields[key] = rest
        self.status = self.fields.get("status")
        self.rcode = int(self.fields["rcode"]) if "rcode" in self.fields else None
        self.flags = set(self.fields.get("flags", "").split())
        self.counts = tuple(int(x) for x in self.fields.get("counts", "").split())
        self.question = self.fields.get("question")

    def rdata(self, rtype):
        return sorted(rest for key, rest in self.records if key == rtype)


def cares(port, name, qtype="A", *options):
    out = subprocess.run([CARES_QUERY, *options, "127.0.0.1", str(port), name, qtype],
                         capture_output=True, text=True, timeout=20)
    return CaresResult(out.stdout + out.stderr, out.returncode)


# --- raw DNS messages -----------------------------------------------------------

TYPES = {"A": 1, "NS": 2, "SOA": 6, "PTR": 12, "TXT": 16, "AAAA": 28, "SRV": 33, "ANY": 255}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def build_query(qid, name, qtype, edns=None, rd=True):
    """A query as a stub sends it: one question, optionally an OPT RR."""
    flags = 0x0100 if rd else 0
    header = struct.pack(">HHHHHH", qid, flags, 1, 0, 0, 1 if edns else 0)
    msg = header + encode_name(name) + struct.pack(">HH", TYPES[qtype], 1)
    if edns:
        msg += b"\0" + struct.pack(">HHIH", 41, edns, 0, 0)
    return msg


def udp_exchange(port, msg, timeout=2.0):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(msg, ("127.0.0.1", port))
        return s.recvfrom(65535)[0]


def tcp_exchange(port, msg, timeout=2.0):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(struct.pack(">H", len(msg)) + msg)
        need = struct.unpack(">H", _recv_exact(s, 2))[0]
        return _recv_exact(s, need)


def _recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise AssertionError(f"connection closed after {len(buf)} of {n} bytes")
        buf += chunk
    return buf


def header(msg):
    """(id, flags, qdcount, ancount, nscount, arcount)."""
    return struct.unpack(">HHHHHH", msg[:12])

"""Golden wire-format answers: the exact bytes the agent sends for the answers
users depend on (users.md item 19: a DNS answer that changes between versions
breaks production), compared byte for byte with tests/golden/dns/*.hex.

Each case sends one fixed query (fixed ID, fixed flags, optional OPT) to an
agent with a fixed fixture and compares the whole reply. Two things vary from
run to run and are handled:
  - answers are shuffled: every service here has a single instance, so the
    order is fixed;
  - the SOA serial is the current Unix time: the 4 serial bytes of every SOA
    record are written as `ss ss ss ss` in the golden files, and checked here to
    lie between the times taken before and after the query instead.
Nothing else is masked. TTLs are 0 and the node name, addresses and ports are
fixed below.

Any difference is a change of the wire format: if it is intended, regenerate
the files and review the diff like code:

    ROSTER_UPDATE_GOLDEN=1 ctest -R integration_dns_golden   (from the build dir)

File format (tests/golden/dns/README.md): `#` lines describe the query; the
reply follows as hex bytes, 16 per line.
"""
import os
import struct
import time
import unittest

from dns_support import build_query, register, tcp_exchange, udp_exchange
from harness import SOURCE_DIR, Agent

GOLDEN_DIR = os.path.join(SOURCE_DIR, "tests", "golden", "dns")
UPDATE = os.environ.get("ROSTER_UPDATE_GOLDEN") == "1"
SOA = 6

# name of the file: (query id, qname, qtype, EDNS payload or None, transport)
CASES = {
    "srv_addr_target": (0x1001, "web.service.consul", "SRV", None, "udp"),
    "srv_node_target": (0x1002, "api.service.consul", "SRV", None, "udp"),
    "srv_rfc2782_edns": (0x1003, "_web._tcp.service.consul", "SRV", 1232, "udp"),
    "srv_tcp": (0x1004, "api.service.consul", "SRV", None, "tcp"),
    "a_service": (0x1005, "web.service.consul", "A", None, "udp"),
    "a_service_case_echo": (0x1006, "WeB.SeRvIcE.CoNsUl", "A", None, "udp"),
    "a_edns_echo_4096": (0x1007, "web.service.consul", "A", 4096, "udp"),
    "a_tag": (0x1008, "blue.web.service.dc1.consul", "A", None, "udp"),
    "a_addr": (0x1009, "0a000032.addr.dc1.consul", "A", None, "udp"),
    "a_node": (0x100A, "golden.node.consul", "A", None, "udp"),
    "txt_node_nodata": (0x100B, "golden.node.consul", "TXT", None, "udp"),
    "nxdomain_soa": (0x100C, "nosuch.service.consul", "A", None, "udp"),
    "nxdomain_soa_edns": (0x100D, "nosuch.service.consul", "A", 1232, "udp"),
    "nodata_aaaa_soa": (0x100E, "web.service.consul", "AAAA", None, "udp"),
    "ptr_service": (0x100F, "50.0.0.10.in-addr.arpa", "PTR", None, "udp"),
    "ptr_node": (0x1010, "1.0.0.127.in-addr.arpa", "PTR", None, "udp"),
    "soa_apex": (0x1011, "consul", "SOA", None, "udp"),
    "ns_apex": (0x1012, "consul", "NS", None, "udp"),
    "refused_foreign": (0x1013, "example.com", "A", 1232, "udp"),
}


def skip_name(msg, off):
    """Offset just past the (possibly compressed) name at `off`."""
    while True:
        n = msg[off]
        if n == 0:
            return off + 1
        if n & 0xC0 == 0xC0:
            return off + 2
        off += 1 + n


def soa_serial_offsets(msg):
    """Offsets of the 4-byte SERIAL of every SOA record in the message."""
    qd, an, ns, ar = struct.unpack(">HHHH", msg[4:12])
    off = 12
    for _ in range(qd):
        off = skip_name(msg, off) + 4
    found = []
    for _ in range(an + ns + ar):
        off = skip_name(msg, off)
        rtype, _cls, _ttl, rdlen = struct.unpack(">HHIH", msg[off:off + 10])
        off += 10
        if rtype == SOA:
            rd = skip_name(msg, skip_name(msg, off))  # MNAME, RNAME
            found.append(rd)
        off += rdlen
    if off != len(msg):
        raise AssertionError(f"{len(msg) - off} bytes after the last record")
    return found


def to_tokens(msg, masked):
    tokens = [f"{b:02x}" for b in msg]
    for off in masked:
        tokens[off:off + 4] = ["ss"] * 4
    return tokens


def render(name, case, tokens):
    qid, qname, qtype, edns, transport = case
    lines = [f"# {name}: {qname} {qtype}, id 0x{qid:04x}, RD, "
             f"{'EDNS ' + str(edns) if edns else 'no EDNS'}, {transport.upper()}",
             "# reply bytes; ss = SOA serial (the current time, not compared)"]
    for i in range(0, len(tokens), 16):
        lines.append(" ".join(tokens[i:i + 16]))
    return "\n".join(lines) + "\n"


def read_golden(path):
    with open(path) as f:
        return [t for line in f if not line.startswith("#") for t in line.split()]


class Golden(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = Agent(node="golden").start()
        try:
            register(cls.agent, "web", "web1", 8080, address="10.0.0.50", tags=["blue"])
            register(cls.agent, "api", "api1", 9090)
        except Exception:
            cls.agent.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.agent.cleanup()

    def test_replies_match_the_golden_files(self):
        if UPDATE:
            os.makedirs(GOLDEN_DIR, exist_ok=True)
        for name, case in CASES.items():
            with self.subTest(case=name):
                qid, qname, qtype, edns, transport = case
                query = build_query(qid, qname, qtype, edns=edns)
                before = int(time.time())
                exchange = udp_exchange if transport == "udp" else tcp_exchange
                reply = exchange(self.agent.dns_port, query)
                after = int(time.time())
                serials = soa_serial_offsets(reply)
                for off in serials:
                    serial = struct.unpack(">I", reply[off:off + 4])[0]
                    self.assertTrue(before <= serial <= after, f"SOA serial {serial} is not the current time")
                tokens = to_tokens(reply, serials)
                path = os.path.join(GOLDEN_DIR, name + ".hex")
                if UPDATE:
                    with open(path, "w") as f:
                        f.write(render(name, case, tokens))
                    continue
                self.assertTrue(os.path.exists(path), f"{path} is missing (ROSTER_UPDATE_GOLDEN=1 writes it)")
                want = read_golden(path)
                if tokens != want:
                    diff = next((i for i, (a, b) in enumerate(zip(tokens, want)) if a != b), min(len(tokens), len(want)))
                    self.fail(f"{name}: reply differs from {path} at byte {diff} "
                              f"(got {len(tokens)} bytes, golden {len(want)})\n"
                              f"got:\n{render(name, case, tokens)}")

    def test_every_golden_file_has_a_case(self):
        files = {f[:-4] for f in os.listdir(GOLDEN_DIR) if f.endswith(".hex")} if os.path.isdir(GOLDEN_DIR) else set()
        self.assertEqual(files - set(CASES), set(), "golden files without a case: delete them")


if __name__ == "__main__":
    unittest.main()

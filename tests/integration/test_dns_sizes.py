"""Answer sizes at 3, 50, 200 and 1,000 instances, over every transport a
client may use (docs/dns.md "Sizes and truncation", users.md item 4).

One agent holds services s3, s50, s200 and s1000 with that many instances,
each instance with its own Address (127.1.x.y) and port, so every instance
gives a distinct A record and a distinct SRV record with its own `.addr`
target. The rules checked, with dig (+ignore: no automatic TCP retry):
  - UDP without EDNS, and EDNS 512: at most 3 answers (Consul's
    udp_answer_limit), silently: no TC for that policy cap; within 512 bytes.
  - UDP with EDNS 1232 and 4096: the reply (OPT included) fits the advertised
    size; TC is set exactly when answers were dropped; as many answers as fit
    (for A, the exact count follows from the record size; for SRV, no room is
    left for one more instance); never 0 answers with additional records; the
    OPT echoes the client's size.
  - TCP: every instance, up to the 64 KiB message limit. 1,000 SRV records
    with their A records do not fit 64 KiB (SRV targets are never compressed,
    RFC 2782, so one instance costs at least 60 bytes): the reply then carries
    as many as fit, with TC.
  - Every SRV answer carries its target's A record in ADDITIONAL.
c-ares (tests/tools/cares_query) then shows the TC bit doing its job: it
retries over TCP by itself and gets every instance.
"""
import re
import unittest

from dns_support import addr_target, cares, encode_name, instance_address, register
from harness import Agent

COUNTS = (3, 50, 200, 1000)
HEADER, OPT_RR = 12, 11
A_RR = 2 + 10 + 4             # owner compressed to a pointer, fixed part, IPv4
# The cheapest one more SRV instance can be: the SRV with its target written
# in full (RFC 2782 forbids compressing it; 26 bytes for <hex>.addr.dc1.consul.),
# and that target's A record in ADDITIONAL, its owner a pointer to the target.
SRV_INSTANCE_MIN = (2 + 10 + 6 + 26) + A_RR
SRV_INSTANCE_MIN_UNCOMPRESSED = SRV_INSTANCE_MIN
TCP_MAX = 65535


def size_of(r):
    m = re.search(r";; MSG SIZE\s+rcvd: (\d+)", r.text)
    return int(m.group(1)) if m else None


def edns_size(r):
    m = re.search(r"; EDNS: version: 0, flags:[^;]*; udp: (\d+)", r.text)
    return int(m.group(1)) if m else None


class Sizes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = Agent(node="sizes").start()
        cls.expected = {}  # service -> {(address, port)}
        try:
            k = 0
            for n in COUNTS:
                name = f"s{n}"
                cls.expected[name] = set()
                for i in range(n):
                    addr, port = instance_address(k), 20000 + k
                    register(cls.agent, name, f"{name}-{i}", port, address=addr)
                    cls.expected[name].add((addr, port))
                    k += 1
        except Exception:
            cls.agent.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.agent.cleanup()

    def query(self, name, qtype, *opts):
        r = self.agent.dig(name, qtype, "+ignore", *opts)
        self.assertEqual(r.status, "NOERROR", r.text)
        return r

    def check_srv_targets(self, r, name):
        """Every SRV answer is a registered instance, and its target's A is in ADDITIONAL."""
        additional = {(o, t): rd for o, t, *rd in r.records("ADDITIONAL")}
        by_target = {addr_target(a): (a, p) for a, p in self.expected[name]}
        for _owner, _t, prio, weight, port, target in r.records("ANSWER", "SRV"):
            self.assertEqual((prio, weight), ("1", "1"))
            self.assertIn(target, by_target)
            addr, want_port = by_target[target]
            self.assertEqual(int(port), want_port)
            self.assertEqual(additional.get((target, "A")), [addr], f"no A for {target}")

    def check_addresses(self, r, name):
        known = {a for a, _p in self.expected[name]}
        got = r.rdata("A")
        self.assertEqual(len(got), len(set(got)), "duplicate A records")
        self.assertLessEqual(set(got), known)

    def test_udp_without_edns_caps_at_three_silently(self):
        for n in COUNTS:
            name = f"s{n}.service.consul"
            for qtype in ("A", "SRV"):
                for opts in (("+noedns",), ("+bufsize=512",)):
                    with self.subTest(n=n, qtype=qtype, opts=opts):
                        r = self.query(name, qtype, *opts)
                        self.assertEqual(len(r.records("ANSWER")), min(n, 3))
                        self.assertNotIn("tc", r.flags)
                        self.assertLessEqual(size_of(r), 512)
                        if opts == ("+noedns",):
                            self.assertIsNone(edns_size(r), "OPT in a reply to a query without one")
                        else:
                            self.assertEqual(edns_size(r), 512)
                        if qtype == "SRV":
                            self.check_srv_targets(r, f"s{n}")
                        else:
                            self.check_addresses(r, f"s{n}")

    def test_udp_with_edns_fills_the_payload_and_sets_tc(self):
        for n in COUNTS:
            name = f"s{n}.service.consul"
            fixed = HEADER + len(encode_name(name)) + 4 + OPT_RR
            for payload in (1232, 4096):
                for qtype in ("A", "SRV"):
                    with self.subTest(n=n, qtype=qtype, payload=payload):
                        r = self.query(name, qtype, f"+bufsize={payload}")
                        got = len(r.records("ANSWER"))
                        size = size_of(r)
                        self.assertLessEqual(size, payload)
                        self.assertEqual(edns_size(r), payload)
                        self.assertGreaterEqual(got, 1)
                        self.assertEqual("tc" in r.flags, got < n, f"{got} of {n} answers, flags {r.flags}")
                        if qtype == "A":
                            self.check_addresses(r, f"s{n}")
                            self.assertEqual(got, min(n, (payload - fixed) // A_RR))
                        else:
                            self.check_srv_targets(r, f"s{n}")
                            if got < n:
                                self.assertGreater(size + SRV_INSTANCE_MIN, payload,
                                                   f"room left for another instance: {got} answers in {size} bytes")
                        if got == 0:
                            self.assertEqual(r.records("ADDITIONAL"), [])

    def test_tcp_carries_every_instance(self):
        for n in COUNTS:
            name = f"s{n}.service.consul"
            with self.subTest(n=n, qtype="A"):
                r = self.query(name, "A", "+tcp")
                self.assertNotIn("tc", r.flags)
                self.assertEqual(sorted(r.rdata("A")), sorted(a for a, _p in self.expected[f"s{n}"]))
            with self.subTest(n=n, qtype="SRV"):
                r = self.query(name, "SRV", "+tcp")
                got = len(r.records("ANSWER", "SRV"))
                self.check_srv_targets(r, f"s{n}")
                if n <= 200:
                    self.assertEqual(got, n)
                    ports = sorted(int(rec[4]) for rec in r.records("ANSWER", "SRV"))
                    self.assertEqual(ports, sorted(p for _a, p in self.expected[f"s{n}"]))
                self.assertEqual("tc" in r.flags, got < n, f"{got} of {n} answers, flags {r.flags}")
                self.assertLessEqual(size_of(r), TCP_MAX)
                if got < n:
                    self.assertGreater(size_of(r) + SRV_INSTANCE_MIN_UNCOMPRESSED, TCP_MAX,
                                       f"room left for another instance: {got} answers in {size_of(r)} bytes")

    def test_cares_follows_tc_to_tcp(self):
        port = self.agent.dns_port
        for n in (50, 200, 1000):
            name = f"s{n}.service.consul"
            with self.subTest(n=n, edns=None):
                r = cares(port, name, "SRV")
                self.assertEqual(r.status, "ARES_SUCCESS", r.text)
                self.assertEqual(len(r.rdata("SRV")), 3)
                self.assertNotIn("tc", r.flags)
            with self.subTest(n=n, edns=1232):
                # Neither 50 nor more SRV records with their A records fit 1232
                # bytes: c-ares sees TC and asks again over TCP, by itself.
                r = cares(port, name, "SRV", "--edns", "1232")
                self.assertEqual(r.status, "ARES_SUCCESS", r.text)
                # As many as TCP carries (a shuffled subset when not all fit).
                over_tcp = self.query(name, "SRV", "+tcp")
                self.assertEqual(len(r.rdata("SRV")), len(over_tcp.records("ANSWER", "SRV")))
                every = {f"1 1 {p} {addr_target(a).rstrip('.')}" for a, p in self.expected[f"s{n}"]}
                self.assertLessEqual(set(r.rdata("SRV")), every)
                if n <= 200:
                    self.assertEqual(len(r.rdata("SRV")), n)
                    self.assertNotIn("tc", r.flags)
                r = cares(port, name, "A", "--edns", "1232")
                self.assertEqual(sorted(x.split()[-1] for x in r.rdata("A")),
                                 sorted(a for a, _p in self.expected[f"s{n}"]))


class CapThenSize(unittest.TestCase):
    """The 3-answer cap is silent, but when even 3 answers do not fit 512 bytes
    the records dropped for size set TC. Services whose Address is a long
    hostname have SRV targets of 195 bytes (never compressed): 2 fit."""

    def setUp(self):
        self.agent = Agent(node="long").start()
        self.addCleanup(self.agent.cleanup)
        middle = ".".join(["a" * 60] * 3)
        self.targets = {f"h{i}.{middle}.example.": 80 + i for i in range(4)}
        for i, host in enumerate(self.targets):
            register(self.agent, "long", f"long{i}", 80 + i, address=host[:-1])

    def test_size_drops_within_the_cap_set_tc(self):
        name = "long.service.consul"
        srv_rr = 2 + 10 + 6 + len(encode_name(next(iter(self.targets))))
        fits = (512 - HEADER - len(encode_name(name)) - 4) // srv_rr
        self.assertEqual(fits, 2)
        r = self.agent.dig(name, "SRV", "+noedns", "+ignore")
        self.assertEqual(len(r.records("ANSWER", "SRV")), fits)
        self.assertIn("tc", r.flags)
        self.assertLessEqual(size_of(r), 512)
        for _o, _t, _p, _w, port, target in r.records("ANSWER", "SRV"):
            self.assertEqual(int(port), self.targets[target])
        r = self.agent.dig(name, "SRV", "+tcp")
        self.assertEqual(sorted(rec[5] for rec in r.records("ANSWER", "SRV")), sorted(self.targets))
        self.assertNotIn("tc", r.flags)


class Dedup(unittest.TestCase):
    """Instances on one address give one A record; SRV records are unique per
    node:address:port, and a shared target's A appears once."""

    def setUp(self):
        self.agent = Agent(node="dedup").start()
        self.addCleanup(self.agent.cleanup)
        a, b = "10.1.0.1", "10.1.0.2"
        register(self.agent, "dup", "dup1", 80, address=a)
        register(self.agent, "dup", "dup2", 80, address=a)  # same address and port as dup1
        register(self.agent, "dup", "dup3", 81, address=a)  # same address, other port
        register(self.agent, "dup", "dup4", 80, address=b)
        register(self.agent, "dup", "dup5", 80, address=b)  # same as dup4
        register(self.agent, "dup", "dup6", 80)             # the node's address, node target
        register(self.agent, "dup", "dup7", 80)             # same as dup6

    def test_a_records_are_unique_per_address(self):
        for opts in ((), ("+tcp",), ("+noedns",)):
            with self.subTest(opts=opts):
                r = self.agent.dig("dup.service.consul", "A", *opts)
                self.assertEqual(r.rdata("A"), sorted(["10.1.0.1", "10.1.0.2", "127.0.0.1"]))

    def test_srv_records_are_unique_per_node_address_port(self):
        r = self.agent.dig("dup.service.consul", "SRV")
        self.assertEqual(r.rdata("SRV"), sorted([
            f"1 1 80 {addr_target('10.1.0.1')}", f"1 1 81 {addr_target('10.1.0.1')}",
            f"1 1 80 {addr_target('10.1.0.2')}", "1 1 80 dedup.node.dc1.consul."]))
        self.assertEqual(sorted(r.records("ADDITIONAL", "A")), sorted([
            (addr_target("10.1.0.1"), "A", "10.1.0.1"), (addr_target("10.1.0.2"), "A", "10.1.0.2"),
            ("dedup.node.dc1.consul.", "A", "127.0.0.1")]))


if __name__ == "__main__":
    unittest.main()

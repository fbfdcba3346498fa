"""The same DNS questions through five independent clients, against the real
agent: dig (BIND), kdig (Knot), the c-ares client (tests/tools/cares_query, a
third wire parser with its own reply checks), and two resolvers users put in
front of the agent, dnsmasq (examples/dnsmasq/roster.conf) and unbound with a
stub zone (examples/unbound/roster.conf).

Fixture (one agent, node `testnode` at 127.0.0.1):
  web1: web, port 8080, no address of its own (SRV target: the node), tag primary
  web2: web, port 9090, Address 10.0.0.50 (SRV target: 0a000032.addr.dc1.consul.), tag secondary
Every case: service A/SRV with both target forms, tag and RFC 2782 forms, node
A/TXT, .addr, PTR, NXDOMAIN and NODATA with the SOA, and the question's case
echoed. The dev agent's node carries no meta, so its TXT question is NODATA.
"""
import re
import shutil
import unittest

from dns_support import (CARES_QUERY, cares, kdig, register, start_dnsmasq, start_unbound)
from harness import Agent, dig

NODE_TARGET = "testnode.node.dc1.consul"
ADDR_TARGET = "0a000032.addr.dc1.consul"
SOA_RDATA = re.compile(r"^ns\.consul\.? hostmaster\.consul\.? \d+ 3600 600 86400 0$")

# (name, type, status, {type: set of rdata}, additional {(owner, type, rdata)}).
# rdata and names are written without the trailing dot; NXDOMAIN/NODATA cases
# must carry the SOA in AUTHORITY.
CASES = [
    ("web.service.consul", "A", "NOERROR", {"A": {"127.0.0.1", "10.0.0.50"}}, set()),
    ("web.service.dc1.consul", "A", "NOERROR", {"A": {"127.0.0.1", "10.0.0.50"}}, set()),
    ("web.service.consul", "SRV", "NOERROR",
     {"SRV": {f"1 1 8080 {NODE_TARGET}", f"1 1 9090 {ADDR_TARGET}"}},
     {(NODE_TARGET, "A", "127.0.0.1"), (ADDR_TARGET, "A", "10.0.0.50")}),
    ("primary.web.service.consul", "A", "NOERROR", {"A": {"127.0.0.1"}}, set()),
    ("secondary.web.service.consul", "SRV", "NOERROR", {"SRV": {f"1 1 9090 {ADDR_TARGET}"}},
     {(ADDR_TARGET, "A", "10.0.0.50")}),
    ("_web._tcp.service.consul", "SRV", "NOERROR",
     {"SRV": {f"1 1 8080 {NODE_TARGET}", f"1 1 9090 {ADDR_TARGET}"}},
     {(NODE_TARGET, "A", "127.0.0.1"), (ADDR_TARGET, "A", "10.0.0.50")}),
    ("_web._secondary.service.consul", "SRV", "NOERROR", {"SRV": {f"1 1 9090 {ADDR_TARGET}"}}, set()),
    ("_web._primary.consul", "SRV", "NOERROR", {"SRV": {f"1 1 8080 {NODE_TARGET}"}}, set()),
    ("testnode.node.consul", "A", "NOERROR", {"A": {"127.0.0.1"}}, set()),
    ("testnode.node.dc1.consul", "A", "NOERROR", {"A": {"127.0.0.1"}}, set()),
    ("testnode.node.consul", "TXT", "NODATA", {}, set()),
    (ADDR_TARGET, "A", "NOERROR", {"A": {"10.0.0.50"}}, set()),
    ("1.0.0.127.in-addr.arpa", "PTR", "NOERROR", {"PTR": {NODE_TARGET}}, set()),
    ("50.0.0.10.in-addr.arpa", "PTR", "NOERROR", {"PTR": {"web.service.dc1.consul"}}, set()),
    ("nosuch.service.consul", "A", "NXDOMAIN", {}, set()),
    ("nosuch.node.consul", "A", "NXDOMAIN", {}, set()),
    ("web.service.consul", "AAAA", "NODATA", {}, set()),
    ("WeB.SeRvIcE.CoNsUl", "A", "NOERROR", {"A": {"127.0.0.1", "10.0.0.50"}}, set()),
    # Targets spell the domain as the question did.
    ("_WEB._TCP.service.Consul", "SRV", "NOERROR",
     {"SRV": {"1 1 8080 testnode.node.dc1.Consul", "1 1 9090 0a000032.addr.dc1.Consul"}},
     {("testnode.node.dc1.Consul", "A", "127.0.0.1"), ("0a000032.addr.dc1.Consul", "A", "10.0.0.50")}),
]


def strip(name):
    return name[:-1] if name.endswith(".") else name


class Reply:
    """One client's reply, reduced to what every client can report."""

    def __init__(self, status, question, answers, soa, additional, flags):
        self.status = status          # NOERROR, NXDOMAIN, NODATA (NOERROR + empty answer), ...
        self.question = question      # the question name as echoed, no trailing dot
        self.answers = answers        # [(owner or None, type, rdata)]
        self.soa = soa                # [SOA rdata from AUTHORITY]
        self.additional = additional  # {(owner, type, rdata)} or None when not visible
        self.flags = flags

    @classmethod
    def from_dig(cls, r):
        m = re.search(r"^;;? ?(\S+)\s+IN\s+\S+\s*$", r.text.split("QUESTION SECTION:", 1)[-1], re.M)
        answers = [(strip(o), t, " ".join(strip(x) for x in rd)) for o, t, *rd in r.records("ANSWER")]
        status = r.status
        if status == "NOERROR" and not answers:
            status = "NODATA"
        soa = [" ".join(rd) for _o, _t, *rd in r.records("AUTHORITY", "SOA")]
        additional = {(strip(o), t, " ".join(rd)) for o, t, *rd in r.records("ADDITIONAL")}
        return cls(status, strip(m.group(1)) if m else None, answers, soa, additional, r.flags)

    @classmethod
    def from_cares(cls, r):
        status = {0: "NOERROR", 3: "NXDOMAIN", 5: "REFUSED", 2: "SERVFAIL"}.get(r.rcode, str(r.rcode))
        answers, soa = [], []
        for rtype, rest in r.records:
            if r.status != "ARES_SUCCESS" and rtype == "SOA":
                soa.append(rest.split(" ttl=")[0])
                continue
            if rtype in ("A", "AAAA"):
                owner, _ttl, ip = rest.split()
                answers.append((owner, rtype, ip))
            else:
                answers.append((None, rtype, rest))
        if r.status == "ARES_ENODATA":
            status = "NODATA"
        return cls(status, r.question, answers, soa, None, r.flags)


class ThroughClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = Agent(node="testnode").start()
        try:
            register(cls.agent, "web", "web1", 8080, tags=["primary"])
            register(cls.agent, "web", "web2", 9090, address="10.0.0.50", tags=["secondary"])
        except Exception:
            cls.agent.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.agent.cleanup()

    def check(self, ask, authoritative=True, additional=True, skip=(), fold_case=False):
        for name, qtype, status, rdata, extra in CASES:
            if (name, qtype) in skip:
                continue
            with self.subTest(name=name, qtype=qtype):
                r = ask(name, qtype)
                self.assertEqual(r.status, status, r.__dict__)
                # The question is echoed byte for byte, and owners are the name as asked.
                self.assertEqual(r.question, name)
                for owner, _t, _rd in r.answers:
                    if owner is not None:
                        self.assertEqual(owner, name)
                fold = (lambda x: x.lower()) if fold_case else (lambda x: x)
                got = {}
                for _o, t, rd in r.answers:
                    got.setdefault(t, []).append(fold(rd))
                self.assertEqual({t: sorted(v) for t, v in got.items()},
                                 {t: sorted(fold(x) for x in v) for t, v in rdata.items()})
                if status in ("NXDOMAIN", "NODATA"):
                    self.assertEqual(len(r.soa), 1, r.__dict__)
                    self.assertRegex(r.soa[0], SOA_RDATA)
                else:
                    self.assertEqual(r.soa, [])
                if additional and r.additional is not None:
                    self.assertLessEqual(extra, r.additional)
                if authoritative:
                    self.assertIn("aa", r.flags)

    def test_dig(self):
        self.check(lambda n, t: Reply.from_dig(self.agent.dig(n, t)))

    def test_dig_without_edns(self):
        self.check(lambda n, t: Reply.from_dig(self.agent.dig(n, t, "+noedns")))

    def test_dig_over_tcp(self):
        self.check(lambda n, t: Reply.from_dig(self.agent.dig(n, t, "+tcp")))

    def test_kdig(self):
        if not shutil.which("kdig"):
            self.skipTest("kdig (knot-dnsutils) is not installed")
        port = self.agent.dns_port
        # kdig lower-cases the names it sends, so the case-echo cases are dig's and c-ares's.
        mixed = {(n, t) for n, t, *_ in CASES if n != n.lower()}
        self.check(lambda n, t: Reply.from_dig(kdig(port, n, t)), skip=mixed)
        self.check(lambda n, t: Reply.from_dig(kdig(port, n, t, "+bufsize=1232")), skip=mixed)
        self.check(lambda n, t: Reply.from_dig(kdig(port, n, t, "+tcp")), skip=mixed)

    def test_cares(self):
        if not shutil.which(CARES_QUERY):
            self.skipTest("cares_query is not built")
        port = self.agent.dns_port
        self.check(lambda n, t: Reply.from_cares(cares(port, n, t)))
        self.check(lambda n, t: Reply.from_cares(cares(port, n, t, "--edns", "1232")))
        self.check(lambda n, t: Reply.from_cares(cares(port, n, t, "--tcp")))

    def test_cares_reads_the_refusal_of_foreign_names(self):
        r = cares(self.agent.dns_port, "example.com", "A")
        self.assertEqual((r.status, r.rcode), ("ARES_EREFUSED", 5), r.text)
        self.assertNotIn("aa", r.flags)

    def test_through_dnsmasq(self):
        port = start_dnsmasq(self, self.agent.dns_port, "web.service.consul")
        # dnsmasq forwards only .consul (reverse zones need rev-server=, not in the example).
        ptr = {(n, t) for n, t, *_ in CASES if t == "PTR"}
        self.check(lambda n, t: Reply.from_dig(dig(port, n, t)), authoritative=False, skip=ptr)

    def test_through_unbound_stub_zone(self):
        port = start_unbound(self, self.agent.dns_port, "web.service.consul")
        # unbound answers with minimal responses (no ADDITIONAL) and is not
        # authoritative. The example's reverse stub covers 10/8; 127/8 is
        # unbound's own localhost zone.
        self.check(lambda n, t: Reply.from_dig(dig(port, n, t)), authoritative=False, additional=False,
                   skip={("1.0.0.127.in-addr.arpa", "PTR")})

    def test_through_unbound_with_0x20(self):
        # use-caps-for-id: unbound sends every question in random letter case and
        # drops replies whose question does not echo it exactly (as knot-resolver
        # and HAProxy do, users.md item 17). Answers still arrive; names inside
        # the data (SRV and PTR targets) carry the domain spelled as unbound asked.
        port = start_unbound(self, self.agent.dns_port, "web.service.consul", extra=["use-caps-for-id: yes"])
        self.check(lambda n, t: Reply.from_dig(dig(port, n, t)), authoritative=False, additional=False,
                   skip={("1.0.0.127.in-addr.arpa", "PTR")}, fold_case=True)


if __name__ == "__main__":
    unittest.main()

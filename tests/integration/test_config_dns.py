"""The shipped examples/dns/config.json, loaded by the real agent: per-service
TTLs with wildcards, node TTL, the SOA's negative-caching fields (RFC 2308)
and alt_domain, checked with dig; then `domain` and the SOA's other fields
from a config file of the test's own."""
import os
import unittest

from harness import SOURCE_DIR, Agent

EXAMPLE = os.path.join(SOURCE_DIR, "examples", "dns", "config.json")


def ttls(result, section="ANSWER"):
    return sorted({int(fields[1]) for fields in result.sections[section]})


class DnsConfigExample(unittest.TestCase):
    def setUp(self):
        self.agent = Agent(node="cfgnode", extra=["-config-file", EXAMPLE]).start()
        self.addCleanup(self.agent.cleanup)
        for name, sid, addr in (("web", "web1", "10.9.0.1"), ("db-primary", "db1", "10.9.0.2"),
                                ("cache", "cache1", "10.9.0.3")):
            status, _, text = self.agent.http("PUT", "/v1/agent/service/register",
                                              {"Name": name, "ID": sid, "Port": 80, "Address": addr})
            self.assertEqual(status, 200, text)

    def test_service_ttl_exact_then_longest_prefix_then_star(self):
        a = self.agent
        self.assertEqual(ttls(a.dig("web.service.consul")), [10])
        self.assertEqual(ttls(a.dig("db-primary.service.consul")), [20])
        self.assertEqual(ttls(a.dig("cache.service.consul")), [5])
        srv = a.dig("web.service.consul", "SRV")
        self.assertEqual(ttls(srv), [10])
        self.assertEqual(ttls(srv, "ADDITIONAL"), [10])

    def test_node_ttl(self):
        self.assertEqual(ttls(self.agent.dig("cfgnode.node.consul")), [30])

    def test_negative_answers_carry_the_configured_soa(self):
        for name, qtype, status in (("nosuch.service.consul", "A", "NXDOMAIN"),
                                    ("web.service.consul", "AAAA", "NOERROR")):
            r = self.agent.dig(name, qtype)
            self.assertEqual(r.status, status)
            (soa,) = r.sections["AUTHORITY"]
            owner, ttl, _cls, typ, mname, rname, _serial, refresh, retry, expire, minimum = soa
            self.assertEqual((owner, typ, mname, rname), ("consul.", "SOA", "ns.consul.", "hostmaster.consul."))
            # RFC 2308: negative caching lasts min(SOA TTL, MINIMUM) = 5 s.
            self.assertEqual((int(ttl), int(minimum)), (5, 5))
            self.assertEqual((int(refresh), int(retry), int(expire)), (3600, 600, 86400))

    def test_alt_domain_answers_in_the_domain_asked(self):
        a = self.agent
        r = a.dig("web.service.sd.internal", "SRV")
        self.assertEqual(r.status, "NOERROR", r.text)
        self.assertEqual(r.rdata("SRV"), ["1 1 80 0a090001.addr.dc1.sd.internal."])
        self.assertIn("aa", r.flags)
        self.assertEqual(a.dig("web.service.consul", "SRV").rdata("SRV"), ["1 1 80 0a090001.addr.dc1.consul."])
        soa = a.dig("sd.internal", "SOA")
        self.assertEqual(soa.records()[0][:2], ("sd.internal.", "SOA"))
        self.assertEqual(a.dig("nosuch.service.sd.internal").status, "NXDOMAIN")


class DnsConfigFile(unittest.TestCase):
    """Keys whose values the example leaves at Consul's defaults."""

    def test_domain_and_soa_fields(self):
        a = Agent(node="cfgnode", config={"domain": "disco.", "dns_config": {
            "soa": {"refresh": 100, "retry": 20, "expire": 3000, "min_ttl": 7}}}).start()
        self.addCleanup(a.cleanup)
        status, _, text = a.http("PUT", "/v1/agent/service/register",
                                 {"Name": "web", "Port": 80, "Address": "10.9.0.1"})
        self.assertEqual(status, 200, text)
        r = a.dig("web.service.disco", "SRV")
        self.assertEqual(r.status, "NOERROR", r.text)
        self.assertEqual(r.rdata("SRV"), ["1 1 80 0a090001.addr.dc1.disco."])
        self.assertEqual(a.dig("web.service.consul").status, "REFUSED")  # outside the domain, no recursors
        nx = a.dig("nosuch.service.disco")
        self.assertEqual(nx.status, "NXDOMAIN")
        (soa,) = nx.sections["AUTHORITY"]
        owner, ttl, _cls, typ, mname, rname, _serial, refresh, retry, expire, minimum = soa
        self.assertEqual((owner, typ, mname, rname), ("disco.", "SOA", "ns.disco.", "hostmaster.disco."))
        self.assertEqual([int(x) for x in (ttl, refresh, retry, expire, minimum)], [7, 100, 20, 3000, 7])


if __name__ == "__main__":
    unittest.main()

"""python-consul 0.7.1 (Debian's, what ianitor uses) against the real agent."""
import unittest

import consul

from harness import Agent, eventually


class PythonConsul(unittest.TestCase):
    def setUp(self):
        self.agent = Agent(node="pynode").start()
        self.addCleanup(self.agent.cleanup)
        self.c = consul.Consul(host="127.0.0.1", port=self.agent.http_port)

    def test_register_pass_and_deregister_as_ianitor_does(self):
        c = self.c
        self.assertTrue(c.agent.service.register("web", service_id="web1", port=8080, tags=["v1"],
                                                 check=consul.Check.ttl("10s")))
        services = c.agent.services()
        self.assertEqual(services["web1"]["Service"], "web")
        self.assertEqual(services["web1"]["Tags"], ["v1"])
        self.assertEqual(services["web1"]["Port"], 8080)
        # The TTL check starts critical: not passing, out of DNS.
        _, nodes = c.health.service("web", passing=True)
        self.assertEqual(nodes, [])
        self.assertEqual(self.agent.dig("web.service.consul").status, "NXDOMAIN")

        # python-consul 0.7.1 sends GET for ttl_pass; it must work.
        self.assertTrue(c.agent.check.ttl_pass("service:web1", "all good"))
        index, nodes = c.health.service("web", passing=True)
        self.assertEqual(len(nodes), 1)
        self.assertGreaterEqual(int(index), 1)
        entry = nodes[0]
        self.assertEqual(entry["Node"]["Node"], "pynode")
        self.assertEqual(entry["Service"]["ID"], "web1")
        check = [ch for ch in entry["Checks"] if ch["CheckID"] == "service:web1"][0]
        self.assertEqual((check["Status"], check["Output"]), ("passing", "all good"))
        self.assertEqual(self.agent.dig("web.service.consul").rdata("A"), ["127.0.0.1"])

        checks = c.agent.checks()
        self.assertEqual(checks["service:web1"]["Status"], "passing")
        self.assertEqual(checks["service:web1"]["Type"], "ttl")

        # Catalog views.
        _, services = c.catalog.services()
        self.assertEqual(services["web"], ["v1"])
        _, instances = c.catalog.service("web")
        self.assertEqual([(i["ServiceID"], i["ServicePort"]) for i in instances], [("web1", 8080)])
        _, nodes = c.catalog.nodes()
        self.assertEqual([n["Node"] for n in nodes], ["pynode"])
        self.assertEqual(c.status.leader(), "127.0.0.1:8300")
        self.assertEqual(c.agent.self()["Config"]["Datacenter"], "dc1")

        # ttl_fail and ttl_warn (GET too).
        self.assertTrue(c.agent.check.ttl_warn("service:web1"))
        self.assertEqual(len(c.health.service("web", passing=True)[1]), 0)
        self.assertEqual(self.agent.dig("web.service.consul").status, "NOERROR")  # warning stays in DNS
        self.assertTrue(c.agent.check.ttl_fail("service:web1"))
        self.assertEqual(self.agent.dig("web.service.consul").status, "NXDOMAIN")

        # Deregister (GET in 0.7.1).
        self.assertTrue(c.agent.service.deregister("web1"))
        self.assertEqual(c.agent.services(), {})
        self.assertEqual(c.catalog.service("web")[1], [])

    def test_unknown_check_pass_raises_so_ianitor_re_registers(self):
        # ianitor re-registers only when the call raises ConsulException (a 5xx).
        with self.assertRaises(consul.ConsulException):
            self.c.agent.check.ttl_pass("service:nothing")

    def test_ttl_expiry_takes_the_instance_out(self):
        c = self.c
        self.assertTrue(c.agent.service.register("short", check=consul.Check.ttl("1s")))
        self.assertTrue(c.agent.check.ttl_pass("service:short"))
        self.assertEqual(len(c.health.service("short", passing=True)[1]), 1)
        eventually(lambda: c.health.service("short", passing=True)[1] == [], timeout=10,
                   message="the TTL check to expire")
        check = c.agent.checks()["service:short"]
        self.assertEqual(check["Status"], "critical")
        self.assertTrue(check["Output"].startswith("TTL expired"))
        self.assertEqual(self.agent.dig("short.service.consul").status, "NXDOMAIN")


if __name__ == "__main__":
    unittest.main()

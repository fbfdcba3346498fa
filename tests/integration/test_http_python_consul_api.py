"""python-consul 0.7.1 (Debian's) calling every method of consul-compat §5.2 in scope,
against the real agent: agent, catalog, health and status, with a token set."""
import threading
import unittest

import consul

from harness import Agent, eventually


class PythonConsulApi(unittest.TestCase):
    def setUp(self):
        self.agent = Agent(node="apinode").start()
        self.addCleanup(self.agent.cleanup)
        # A token makes python-consul add ?token= (and a WriteRequest key on catalog writes).
        self.c = consul.Consul(host="127.0.0.1", port=self.agent.http_port, token="secret")

    def test_agent_services_checks_and_maintenance(self):
        c = self.c
        self.assertTrue(c.agent.service.register("web", service_id="web1", port=80, tags=["v1"],
                                                 check=consul.Check.ttl("30s")))
        self.assertTrue(c.agent.check.ttl_pass("service:web1", "ok"))
        self.assertEqual(len(c.health.service("web", passing=True)[1]), 1)

        # Service maintenance: a critical _service_maintenance check, then gone.
        self.assertTrue(c.agent.service.maintenance("web1", True, "deploy"))
        check = c.agent.checks()["_service_maintenance:web1"]
        self.assertEqual((check["Status"], check["Notes"], check["Name"]),
                         ("critical", "deploy", "Service Maintenance Mode"))
        self.assertEqual(c.health.service("web", passing=True)[1], [])
        self.assertTrue(c.agent.service.maintenance("web1", False))
        self.assertNotIn("_service_maintenance:web1", c.agent.checks())
        self.assertEqual(len(c.health.service("web", passing=True)[1]), 1)

        # Node maintenance.
        self.assertTrue(c.agent.maintenance(True, "patching"))
        self.assertEqual(c.agent.checks()["_node_maintenance"]["Notes"], "patching")
        self.assertEqual(c.health.service("web", passing=True)[1], [])
        self.assertTrue(c.agent.maintenance(False))
        self.assertNotIn("_node_maintenance", c.agent.checks())

        # Standalone checks: register (TTL), ttl_warn/ttl_fail/ttl_pass (GET), deregister (GET).
        self.assertTrue(c.agent.check.register("disk", consul.Check.ttl("30s"), check_id="disk1",
                                               notes="space", service_id="web1"))
        checks = c.agent.checks()
        self.assertEqual((checks["disk1"]["Name"], checks["disk1"]["ServiceID"], checks["disk1"]["Notes"]),
                         ("disk", "web1", "space"))
        self.assertTrue(c.agent.check.ttl_warn("disk1", "low"))
        self.assertEqual(c.agent.checks()["disk1"]["Status"], "warning")
        self.assertTrue(c.agent.check.ttl_fail("disk1"))
        self.assertEqual(c.agent.checks()["disk1"]["Status"], "critical")
        self.assertTrue(c.agent.check.ttl_pass("disk1"))
        self.assertTrue(c.agent.check.register("mem", ttl="10s"))  # the deprecated form
        self.assertIn("mem", c.agent.checks())
        self.assertTrue(c.agent.check.deregister("disk1"))
        self.assertTrue(c.agent.check.deregister("mem"))
        self.assertFalse(c.agent.check.deregister("mem"))  # 404 -> False
        # HTTP checks run (docs/checks.md); Check.script's shell string, gone
        # from Consul 1.1, is a clear 400.
        self.assertTrue(c.agent.check.register("web-http", consul.Check.http("http://127.0.0.1:1/", "10s")))
        self.assertEqual(c.agent.checks()["web-http"]["Type"], "http")
        self.assertTrue(c.agent.check.deregister("web-http"))
        with self.assertRaises(consul.base.BadRequest):
            c.agent.check.register("web-script", consul.Check.script("true", "10s"))

        self.assertTrue(c.agent.service.deregister("web1"))
        self.assertEqual(c.agent.services(), {})

    def test_agent_self_members_join_and_force_leave(self):
        c = self.c
        self.assertEqual(c.agent.self()["Config"]["NodeName"], "apinode")
        members = c.agent.members()
        self.assertEqual([(m["Name"], m["Status"]) for m in members], [("apinode", 1)])
        self.assertEqual(c.agent.members(wan=True), [])
        # Join (python-consul sends GET) reaches gossip: a port nobody
        # listens on is a 500 naming it; an unknown node is a 404, which
        # python-consul reports as False.
        with self.assertRaisesRegex(consul.ConsulException, "127.0.0.1:1"):
            c.agent.join("127.0.0.1:1")
        self.assertFalse(c.agent.force_leave("other"))

    def test_catalog_register_read_and_deregister(self):
        c = self.c
        self.assertEqual(c.catalog.datacenters(), ["dc1"])
        self.assertTrue(c.catalog.register(
            "ext1", "10.1.1.1",
            service={"Service": "redis", "ID": "redis1", "Tags": ["primary"], "Port": 6379},
            check={"Node": "ext1", "CheckID": "service:redis1", "Name": "Redis", "Status": "passing",
                   "ServiceID": "redis1"}))
        _, nodes = c.catalog.nodes()
        self.assertEqual(sorted(n["Node"] for n in nodes), ["apinode", "ext1"])
        _, services = c.catalog.services()
        self.assertEqual(services, {"redis": ["primary"]})
        _, node = c.catalog.node("ext1")
        self.assertEqual(node["Node"]["Address"], "10.1.1.1")
        self.assertEqual(node["Services"]["redis1"]["Port"], 6379)
        self.assertIsNone(c.catalog.node("nowhere")[1])
        _, instances = c.catalog.service("redis", tag="primary")
        self.assertEqual([(i["Node"], i["ServiceID"]) for i in instances], [("ext1", "redis1")])
        self.assertEqual(c.catalog.service("redis", tag="replica")[1], [])

        # Health views see the catalog node, with no serfHealth on it.
        _, entries = c.health.service("redis", passing=True)
        self.assertEqual([ch["CheckID"] for ch in entries[0]["Checks"]], ["service:redis1"])
        _, checks = c.health.checks("redis")
        self.assertEqual([ch["Status"] for ch in checks], ["passing"])
        _, on_node = c.health.node("ext1")
        self.assertEqual(len(on_node), 1)
        _, passing = c.health.state("passing")
        self.assertEqual(sorted(ch["CheckID"] for ch in passing), ["serfHealth", "service:redis1"])

        self.assertTrue(c.catalog.deregister("ext1", service_id="redis1"))
        self.assertEqual(c.catalog.services()[1], {})
        self.assertTrue(c.catalog.deregister("ext1"))
        self.assertEqual([n["Node"] for n in c.catalog.nodes()[1]], ["apinode"])

    def test_health_state_node_and_status(self):
        c = self.c
        self.assertTrue(c.agent.service.register("api", check=consul.Check.ttl("30s")))
        _, critical = c.health.state("critical")
        self.assertEqual([ch["CheckID"] for ch in critical], ["service:api"])
        _, anything = c.health.state("any")
        self.assertEqual(len(anything), 2)
        _, on_node = c.health.node("apinode")
        self.assertEqual(sorted(ch["CheckID"] for ch in on_node), ["serfHealth", "service:api"])
        self.assertEqual(c.status.leader(), "127.0.0.1:8300")
        self.assertEqual(c.status.peers(), ["127.0.0.1:8300"])
        # Consistency modes python-consul sends.
        self.assertEqual(len(c.catalog.service("api", consistency="stale")[1]), 1)
        self.assertEqual(len(c.catalog.nodes(consistency="consistent")[1]), 1)
        self.assertEqual(len(c.health.service("api", dc="dc1")[1]), 1)

    def test_blocking_health_service_returns_after_a_change(self):
        c = self.c
        self.assertTrue(c.agent.service.register("web", check=consul.Check.ttl("30s")))
        index, _ = c.health.service("web")
        result = {}

        def watch():
            result["answer"] = c.health.service("web", index=index, wait="30s")

        t = threading.Thread(target=watch)
        t.start()
        self.assertTrue(c.agent.check.ttl_pass("service:web"))
        t.join(60)
        self.assertFalse(t.is_alive())
        new_index, entries = result["answer"]
        self.assertGreater(int(new_index), int(index))
        self.assertEqual([ch["Status"] for ch in entries[0]["Checks"] if ch["CheckID"] == "service:web"],
                         ["passing"])


if __name__ == "__main__":
    unittest.main()

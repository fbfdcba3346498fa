"""ACLs against the real agent: off, on with default_policy allow and deny;
python-consul 0.7.1 sending its token the way it does (?token=, and only on
some calls), urllib sending X-Consul-Token and Authorization: Bearer, curl;
filtered lists, 403 texts, DNS still answering, and no token in the log."""
import json
import os
import subprocess
import unittest

import consul

from harness import Agent

MANAGEMENT = "mgmt-6b1d5c1e-secret"
AGENT_TOKEN = "agent-9f3a77c2-secret"


def acl_config(policy, enabled=True):
    return {"acl": {"enabled": enabled, "default_policy": policy,
                    "tokens": {"initial_management": MANAGEMENT, "agent": AGENT_TOKEN}}}


def start_agent(test, config=None, extra=()):
    agent = Agent(node="aclnode", config=config, extra=extra)
    test.addCleanup(agent.cleanup)
    return agent.start()


WEB = {"Name": "web", "ID": "web1", "Port": 8080, "Address": "10.2.0.1", "Check": {"TTL": "300s"}}


class AclOff(unittest.TestCase):
    def test_everything_works_without_a_token_and_any_token_is_ignored(self):
        agent = start_agent(self)
        self.assertEqual(agent.http("PUT", "/v1/agent/service/register", WEB)[0], 200)
        self.assertEqual(agent.http("PUT", "/v1/agent/check/pass/service:web1",
                                    headers={"X-Consul-Token": "whatever"})[0], 200)
        status, headers, _ = agent.http("GET", "/v1/agent/services?token=nonsense")
        self.assertEqual(status, 200)
        self.assertEqual(headers["X-Consul-Default-ACL-Policy"], "allow")
        self.assertEqual(agent.dig("web.service.consul").rdata("A"), ["10.2.0.1"])
        c = consul.Consul(port=agent.http_port, token="ignored")
        self.assertTrue(c.agent.service.deregister("web1"))

    def test_acl_block_with_enabled_false_is_off(self):
        agent = start_agent(self, acl_config("deny", enabled=False))
        self.assertEqual(agent.http("PUT", "/v1/agent/service/register", WEB)[0], 200)
        self.assertIn("web1", agent.get_json("/v1/agent/services"))


class AclAllow(unittest.TestCase):
    def setUp(self):
        self.agent = start_agent(self, acl_config("allow"))

    def test_python_consul_registers_with_its_token_and_reads_without(self):
        a = self.agent
        c = consul.Consul(port=a.http_port, token=MANAGEMENT)
        self.assertTrue(c.agent.service.register("web", service_id="web1", port=8080, address="10.2.0.1",
                                                 check=consul.Check.ttl("300s")))
        anonymous = consul.Consul(port=a.http_port)
        with self.assertRaises(consul.ACLPermissionDenied):
            anonymous.agent.service.register("db", port=1)
        # Reads are open under allow, with or without a token.
        self.assertIn("web1", anonymous.agent.services())
        self.assertIn("web", anonymous.catalog.services()[1])
        self.assertEqual(len(c.health.service("web")[1]), 1)
        # python-consul 0.7.1 sends no token on ttl_pass and deregister (GET,
        # no params): refused, as Consul refuses them.
        with self.assertRaises(consul.ACLPermissionDenied):
            c.agent.check.ttl_pass("service:web1")
        with self.assertRaises(consul.ACLPermissionDenied):
            c.agent.service.deregister("web1")
        # The header forms do it.
        status, _, _ = a.http("PUT", "/v1/agent/check/pass/service:web1", headers={"X-Consul-Token": MANAGEMENT})
        self.assertEqual(status, 200)
        self.assertEqual(c.health.service("web", passing=True)[1][0]["Service"]["ID"], "web1")
        self.assertEqual(a.dig("web.service.consul").rdata("A"), ["10.2.0.1"])
        status, _, _ = a.http("PUT", "/v1/agent/service/deregister/web1",
                              headers={"Authorization": f"Bearer {MANAGEMENT}"})
        self.assertEqual(status, 200)
        self.assertEqual(anonymous.agent.services(), {})

    def test_missing_and_wrong_tokens_get_consuls_403s(self):
        a = self.agent
        status, headers, body = a.http("PUT", "/v1/agent/service/register", WEB)
        self.assertEqual((status, body), (403, b"Permission denied\n"))
        self.assertEqual(headers["X-Consul-Default-ACL-Policy"], "allow")
        for headers in ({"X-Consul-Token": "wrong"}, {"Authorization": "Bearer wrong"}):
            status, _, body = a.http("PUT", "/v1/agent/service/register", WEB, headers=headers)
            self.assertEqual((status, body), (403, b"ACL not found\n"))
        status, _, body = a.http("GET", "/v1/agent/services?token=wrong")
        self.assertEqual((status, body), (403, b"ACL not found\n"))
        # The agent token runs the agent but registers nothing.
        status, _, _ = a.http("PUT", "/v1/agent/service/register", WEB, headers={"X-Consul-Token": AGENT_TOKEN})
        self.assertEqual(status, 403)
        status, _, _ = a.http("PUT", "/v1/agent/reload", headers={"X-Consul-Token": AGENT_TOKEN})
        self.assertEqual(status, 200)
        self.assertEqual(a.get_json("/v1/agent/services"), {})

    def test_curl_with_both_header_forms(self):
        url = f"http://{self.agent.http_addr}/v1/agent/service/register"
        def curl(*args):
            out = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", "-X", "PUT",
                                  "--data", json.dumps(WEB), *args, url], capture_output=True, text=True, timeout=20)
            body, _, code = out.stdout.rpartition("\n")
            return code, body.strip()
        def registered():
            return WEB["ID"] in self.agent.get_json(f"/v1/agent/services?token={MANAGEMENT}")
        self.assertEqual(curl(), ("403", "Permission denied"))
        self.assertEqual(curl("-H", "X-Consul-Token: nope"), ("403", "ACL not found"))
        self.assertFalse(registered())
        for header in (f"X-Consul-Token: {MANAGEMENT}", f"Authorization: Bearer {MANAGEMENT}",
                       f"authorization: bearer {MANAGEMENT}"):
            self.assertEqual(curl("-H", header), ("200", ""), header)
            self.assertTrue(registered(), header)
            status, _, _ = self.agent.http("PUT", f"/v1/agent/service/deregister/{WEB['ID']}?token={MANAGEMENT}")
            self.assertEqual(status, 200)
            self.assertFalse(registered())


class AclDeny(unittest.TestCase):
    def setUp(self):
        self.agent = start_agent(self, acl_config("deny"))
        status, _, _ = self.agent.http("PUT", f"/v1/agent/service/register?token={MANAGEMENT}", WEB)
        self.assertEqual(status, 200)
        status, _, _ = self.agent.http("PUT", f"/v1/agent/check/pass/service:web1?token={MANAGEMENT}")
        self.assertEqual(status, 200)

    def test_lists_are_filtered_to_empty_and_single_objects_refused(self):
        a = self.agent
        for path, empty in (("/v1/agent/services", {}), ("/v1/agent/checks", {}), ("/v1/catalog/services", {}),
                            ("/v1/catalog/service/web", []), ("/v1/catalog/nodes", []),
                            ("/v1/health/service/web", []), ("/v1/health/state/any", []),
                            ("/v1/catalog/node/aclnode", None)):
            status, headers, body = a.http("GET", path)
            self.assertEqual(status, 200, path)
            self.assertEqual(json.loads(body), empty, path)
            self.assertEqual(headers["X-Consul-Default-ACL-Policy"], "deny")
            self.assertIn("X-Consul-Index", headers)
            status, _, body = a.http("GET", path, headers={"X-Consul-Token": MANAGEMENT})
            self.assertEqual(status, 200)
            self.assertNotEqual(json.loads(body), empty, path)
        for path in ("/v1/agent/self", "/v1/agent/service/web1"):
            status, _, body = a.http("GET", path)
            self.assertEqual((status, body), (403, b"Permission denied\n"), path)
            self.assertEqual(a.http("GET", path, headers={"Authorization": f"Bearer {AGENT_TOKEN}"})[0], 200)
        # Status needs no token, as in Consul.
        self.assertEqual(a.http("GET", "/v1/status/leader")[0], 200)

    def test_python_consul_with_and_without_its_token(self):
        c = consul.Consul(port=self.agent.http_port, token=MANAGEMENT)
        anonymous = consul.Consul(port=self.agent.http_port)
        self.assertEqual(anonymous.catalog.services()[1], {})
        self.assertEqual(anonymous.health.service("web")[1], [])
        self.assertIn("web", c.catalog.services()[1])  # catalog.services sends ?token=
        self.assertEqual(c.health.service("web", passing=True)[1][0]["Service"]["ID"], "web1")
        with self.assertRaises(consul.ACLPermissionDenied):
            anonymous.agent.self()

    def test_dns_keeps_answering(self):
        self.assertEqual(self.agent.dig("web.service.consul").rdata("A"), ["10.2.0.1"])
        self.assertEqual(self.agent.dig("web.service.consul", "SRV").status, "NOERROR")


class AclReloadAndLogs(unittest.TestCase):
    def test_reload_turns_acls_on_and_changes_tokens(self):
        agent = Agent(node="aclnode")
        self.addCleanup(agent.cleanup)
        path = os.path.join(agent.dir, "acl.json")
        with open(path, "w") as f:
            json.dump({}, f)
        agent.args += ["-config-file", path]
        agent.start()
        self.assertEqual(agent.http("PUT", "/v1/agent/service/register", WEB)[0], 200)
        with open(path, "w") as f:
            json.dump(acl_config("deny"), f)
        self.assertEqual(agent.http("PUT", "/v1/agent/reload")[0], 200)
        self.assertEqual(agent.http("PUT", "/v1/agent/service/deregister/web1")[0], 403)
        self.assertEqual(agent.get_json("/v1/agent/services"), {})
        # A new management token: the old one is unknown from now on.
        config = acl_config("deny")
        config["acl"]["tokens"]["initial_management"] = "rotated-token"
        with open(path, "w") as f:
            json.dump(config, f)
        self.assertEqual(agent.http("PUT", "/v1/agent/reload", headers={"X-Consul-Token": MANAGEMENT})[0], 200)
        status, _, body = agent.http("GET", "/v1/agent/services", headers={"X-Consul-Token": MANAGEMENT})
        self.assertEqual((status, body), (403, b"ACL not found\n"))
        self.assertIn("web1", json.loads(agent.http("GET", "/v1/agent/services?token=rotated-token")[2]))
        # A broken acl block on reload changes nothing.
        with open(path, "w") as f:
            json.dump({"acl": {"enabled": True, "default_policy": "sometimes"}}, f)
        status, _, body = agent.http("PUT", "/v1/agent/reload", headers={"X-Consul-Token": "rotated-token"})
        self.assertEqual(status, 500)
        self.assertIn(b"default_policy", body)
        self.assertEqual(agent.http("GET", "/v1/agent/services?token=rotated-token")[0], 200)

    def test_tokens_never_reach_the_log(self):
        agent = start_agent(self, acl_config("deny"), extra=["-log-level", "debug"])
        c = consul.Consul(port=agent.http_port, token=MANAGEMENT)
        self.assertTrue(c.agent.service.register("web", service_id="web1", check=consul.Check.ttl("300s")))
        agent.http("PUT", "/v1/agent/check/pass/service:web1", headers={"X-Consul-Token": MANAGEMENT})
        agent.http("GET", "/v1/agent/services", headers={"Authorization": f"Bearer {AGENT_TOKEN}"})
        agent.http("GET", f"/v1/agent/services?token={AGENT_TOKEN}&pretty")
        agent.http("GET", "/v1/agent/self?token=wrong-guess-secret")
        agent.http("PUT", f"/v1/agent/reload?token={MANAGEMENT}")
        agent.stop()
        log = agent.log()
        # The requests were logged (so this test can fail), their tokens not.
        self.assertIn("/v1/agent/service/register?token=<hidden>", log)
        self.assertIn("/v1/agent/services?token=<hidden>&pretty", log)
        self.assertIn("configuration reloaded", log)
        for secret in (MANAGEMENT, AGENT_TOKEN, "wrong-guess-secret", "secret"):
            self.assertNotIn(secret, log)


if __name__ == "__main__":
    unittest.main()

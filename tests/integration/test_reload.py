"""Configuration reload against the real agent: SIGHUP and PUT /v1/agent/reload
with a changed, an added, a removed and a broken config file, each seen
through HTTP and DNS; services the change does not touch keep their index."""
import json
import os
import signal
import unittest

from harness import Agent, eventually


def write(path, obj_or_text):
    text = obj_or_text if isinstance(obj_or_text, str) else json.dumps(obj_or_text)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)  # the agent never reads half a file


class Reload(unittest.TestCase):
    def setUp(self):
        self.agent = Agent(node="reloadnode")
        self.addCleanup(self.agent.cleanup)
        self.conf = os.path.join(self.agent.dir, "conf.d")
        os.mkdir(self.conf)
        write(self.path("10-web.json"), {"service": {"name": "web", "port": 8080, "address": "10.1.0.1",
                                                      "check": {"ttl": "300s", "status": "passing"}}})
        write(self.path("20-db.json"), {"service": {"name": "db", "port": 5432, "address": "10.1.0.5"}})
        write(self.path("30-cache.json"), {"service": {"name": "cache", "port": 6379, "address": "10.1.0.9"}})
        self.agent.args += ["-config-dir", self.conf]
        self.agent.start()

    def path(self, name):
        return os.path.join(self.conf, name)

    def services(self):
        return self.agent.get_json("/v1/agent/services")

    def modify_index(self, name):
        (instance,) = self.agent.get_json(f"/v1/catalog/service/{name}")
        return instance["ModifyIndex"]

    def health_index(self, name):
        status, headers, _ = self.agent.http("GET", f"/v1/health/service/{name}")
        self.assertEqual(status, 200)
        return int(headers["X-Consul-Index"])

    def a_records(self, name):
        return self.agent.dig(f"{name}.service.consul").rdata("A")

    def change_files(self):
        """A changed (web), an added (api) and a removed (cache) file; db untouched."""
        write(self.path("10-web.json"), {"service": {"name": "web", "port": 9090, "address": "10.1.0.2",
                                                      "check": {"ttl": "300s", "status": "passing"}}})
        write(self.path("40-api.json"), {"service": {"name": "api", "port": 3000, "address": "10.1.0.7"}})
        os.remove(self.path("30-cache.json"))

    def assert_initial(self):
        s = self.services()
        self.assertEqual(sorted(s), ["cache", "db", "web"])
        self.assertEqual(s["web"]["Port"], 8080)
        self.assertEqual(self.a_records("web"), ["10.1.0.1"])
        self.assertEqual(self.a_records("cache"), ["10.1.0.9"])
        self.assertEqual(self.agent.dig("api.service.consul").status, "NXDOMAIN")

    def assert_changed(self, db_index, db_health_index):
        s = self.services()
        self.assertEqual(sorted(s), ["api", "db", "web"])
        self.assertEqual(s["web"]["Port"], 9090)
        self.assertEqual(self.a_records("web"), ["10.1.0.2"])
        self.assertEqual(self.a_records("api"), ["10.1.0.7"])
        self.assertEqual(self.agent.dig("cache.service.consul").status, "NXDOMAIN")
        self.assertEqual(self.agent.get_json("/v1/catalog/service/cache"), [])
        # The untouched service: same answer, same indexes.
        self.assertEqual(self.a_records("db"), ["10.1.0.5"])
        self.assertEqual(self.modify_index("db"), db_index)
        self.assertEqual(self.health_index("db"), db_health_index)
        # The changed service's check survived with its status.
        checks = self.agent.get_json("/v1/agent/checks")
        self.assertEqual(checks["service:web"]["Status"], "passing")

    def test_sighup_applies_changed_added_and_removed_files(self):
        self.assert_initial()
        db_index, db_health = self.modify_index("db"), self.health_index("db")
        self.change_files()
        self.agent.proc.send_signal(signal.SIGHUP)
        eventually(lambda: "api" in self.services(), message="the added service after SIGHUP")
        eventually(lambda: "cache" not in self.services(), message="the removed service gone")
        self.assert_changed(db_index, db_health)
        self.assertIn("configuration reloaded", self.agent.log())

        # The same files again: nothing moves at all.
        _, headers, _ = self.agent.http("GET", "/v1/catalog/services")
        before = headers["X-Consul-Index"]
        reloads = self.agent.log().count("configuration reloaded")
        self.agent.proc.send_signal(signal.SIGHUP)
        eventually(lambda: self.agent.log().count("configuration reloaded") > reloads, message="second reload")
        _, headers, _ = self.agent.http("GET", "/v1/catalog/services")
        self.assertEqual(headers["X-Consul-Index"], before)

    def test_sighup_with_a_broken_file_changes_nothing(self):
        _, headers, _ = self.agent.http("GET", "/v1/catalog/services")
        index = headers["X-Consul-Index"]
        for n, broken in enumerate(['{"service": {"name": "api", "port": 3000', # bad JSON
                                    {"service": {"port": 3000}},                # no name
                                    {"service": {"name": "api", "port": "x"}}]):  # wrong type
            self.change_files()
            write(self.path("40-api.json"), broken)
            self.agent.proc.send_signal(signal.SIGHUP)
            eventually(lambda: self.agent.log().count("configuration reload failed") > n,
                       message=f"reload failure {n} logged")
            failures = [l for l in self.agent.log().splitlines() if "configuration reload failed" in l]
            self.assertIn("40-api.json", failures[-1])
            self.assert_unchanged_after_failure(index)
            # Put the removed file back for the next round.
            write(self.path("30-cache.json"), {"service": {"name": "cache", "port": 6379, "address": "10.1.0.9"}})
            write(self.path("10-web.json"), {"service": {"name": "web", "port": 8080, "address": "10.1.0.1",
                                                          "check": {"ttl": "300s", "status": "passing"}}})
        self.assertTrue(self.agent.proc.poll() is None, "the agent keeps running")

    def assert_unchanged_after_failure(self, index):
        self.assert_initial()
        _, headers, _ = self.agent.http("GET", "/v1/catalog/services")
        self.assertEqual(headers["X-Consul-Index"], index)

    def test_http_reload_reports_errors_and_applies_synchronously(self):
        db_index, db_health = self.modify_index("db"), self.health_index("db")
        _, headers, _ = self.agent.http("GET", "/v1/catalog/services")
        index = headers["X-Consul-Index"]
        self.change_files()
        write(self.path("40-api.json"), '{"service": ')
        status, _, body = self.agent.http("PUT", "/v1/agent/reload")
        self.assertEqual(status, 500)
        self.assertIn(b"40-api.json", body)
        self.assert_unchanged_after_failure(index)

        write(self.path("40-api.json"), {"service": {"name": "api", "port": 3000, "address": "10.1.0.7"}})
        status, _, body = self.agent.http("PUT", "/v1/agent/reload")
        self.assertEqual((status, body), (200, b""))
        self.assert_changed(db_index, db_health)  # visible as soon as the 200 is
        self.assertEqual(self.agent.http("GET", "/v1/agent/reload")[0], 405)

    def test_config_wins_over_the_api_at_reload(self):
        # An API deregistration of a config service lasts until the next reload.
        status, _, _ = self.agent.http("PUT", "/v1/agent/service/deregister/db")
        self.assertEqual(status, 200)
        self.assertEqual(self.agent.dig("db.service.consul").status, "NXDOMAIN")
        # Redefined through the API: config's definition comes back too.
        status, _, _ = self.agent.http("PUT", "/v1/agent/service/register",
                                       {"Name": "web", "Port": 1111, "Address": "10.1.0.99"})
        self.assertEqual(status, 200)
        self.assertEqual(self.a_records("web"), ["10.1.0.99"])
        self.assertEqual(self.agent.http("PUT", "/v1/agent/reload")[0], 200)
        self.assertEqual(self.a_records("db"), ["10.1.0.5"])
        self.assertEqual(self.a_records("web"), ["10.1.0.1"])
        # API-registered services of other IDs are left alone.
        status, _, _ = self.agent.http("PUT", "/v1/agent/service/register", {"Name": "extra", "Port": 1})
        self.assertEqual(self.agent.http("PUT", "/v1/agent/reload")[0], 200)
        self.assertIn("extra", self.services())

    def test_log_level_changes_live_and_restart_only_keys_are_named(self):
        write(self.path("00-agent.json"), {"log_level": "info"})
        self.assertEqual(self.agent.http("PUT", "/v1/agent/reload")[0], 200)
        self.services()
        self.assertNotIn("http request", self.agent.log())
        write(self.path("00-agent.json"), {"log_level": "debug", "datacenter": "dc9"})
        self.assertEqual(self.agent.http("PUT", "/v1/agent/reload")[0], 200)
        self.services()
        eventually(lambda: "GET /v1/agent/services" in self.agent.log(), message="debug access log after reload")
        self.assertIn("datacenter", self.agent.log())  # named as needing a restart
        # ... and it did not change.
        self.assertEqual(self.agent.get_json("/v1/agent/self")["Config"]["Datacenter"], "dc1")
        self.assertEqual(self.a_records("db"), ["10.1.0.5"])


if __name__ == "__main__":
    unittest.main()

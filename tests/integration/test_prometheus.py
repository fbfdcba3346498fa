"""The real Prometheus (Debian's 2.42, no consul_sd) discovering targets through
http_sd_configs on /v1/prometheus/<service>: discovered with consul_sd's labels,
scraped (up == 1), and dropped after deregistration; examples/prometheus/'s
http_sd configuration loaded as shipped (port substituted) and both examples
through `promtool check config`."""
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import unittest
import urllib.parse
import urllib.request

from harness import SOURCE_DIR, Agent, eventually, free_port

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
EXAMPLES = os.path.join(SOURCE_DIR, "examples", "prometheus")


class Metrics(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"# TYPE demo_requests_total counter\ndemo_requests_total 42\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@unittest.skipUnless(os.path.exists(PROMETHEUS), "prometheus is not installed")
class RealPrometheus(unittest.TestCase):
    def setUp(self):
        self.agent = Agent(node="promnode").start()
        self.addCleanup(self.agent.cleanup)
        self.target = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Metrics)
        threading.Thread(target=self.target.serve_forever, daemon=True).start()
        self.addCleanup(self.target.server_close)
        self.addCleanup(self.target.shutdown)
        self.dir = tempfile.mkdtemp(prefix="roster-prom-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def start_prometheus(self, config_text):
        self.prom_port = free_port()
        config = os.path.join(self.dir, "prometheus.yml")
        with open(config, "w") as f:
            f.write(config_text)
        self.log = open(os.path.join(self.dir, "prometheus.log"), "wb")
        self.prom = subprocess.Popen([PROMETHEUS, f"--config.file={config}",
                                      f"--storage.tsdb.path={os.path.join(self.dir, 'data')}",
                                      f"--web.listen-address=127.0.0.1:{self.prom_port}"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.addCleanup(self.stop_prometheus)

    def wait(self, predicate, timeout, message):
        """eventually(), printing Prometheus's log if it times out."""
        try:
            return eventually(predicate, timeout=timeout, interval=0.2, message=message)
        except AssertionError:
            with open(os.path.join(self.dir, "prometheus.log"), errors="replace") as f:
                print(f.read()[-4000:])
            raise

    def start_generated_prometheus(self):
        self.start_prometheus(f"""
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: roster
    http_sd_configs:
      - url: http://127.0.0.1:{self.agent.http_port}/v1/prometheus/app
        refresh_interval: 1s
    relabel_configs:
      # consul_sd relabel rules carry over unchanged.
      - source_labels: [__meta_consul_tags]
        regex: .*,scrape,.*
        action: keep
      - source_labels: [__meta_consul_service]
        target_label: service
      - source_labels: [__meta_consul_service_metadata_team]
        target_label: team
""")

    def stop_prometheus(self):
        self.prom.terminate()
        try:
            self.prom.wait(10)
        except subprocess.TimeoutExpired:
            self.prom.kill()
            self.prom.wait()
        self.log.close()

    def prom_api(self, path):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.prom_port}{path}", timeout=5) as r:
                return json.loads(r.read())["data"]
        except OSError:
            return None

    def active_targets(self):
        data = self.prom_api("/api/v1/targets?state=active")
        return None if data is None else data["activeTargets"]

    def test_targets_are_discovered_scraped_and_dropped(self):
        self.start_generated_prometheus()
        port = self.target.server_address[1]
        self.agent.http("PUT", "/v1/agent/service/register",
                        {"Name": "app", "ID": "app1", "Address": "127.0.0.1", "Port": port,
                         "Tags": ["scrape", "v1"], "Meta": {"team": "core"},
                         "Check": {"TTL": "300s", "Status": "passing"}})
        # A second instance without the tag is dropped by the relabel rule.
        self.agent.http("PUT", "/v1/agent/service/register",
                        {"Name": "app", "ID": "app2", "Address": "127.0.0.1", "Port": port + 1 if port < 65535 else 1,
                         "Check": {"TTL": "300s", "Status": "passing"}})

        def scraped():
            targets = self.active_targets()
            if not targets or targets[0]["health"] != "up":
                return None
            return targets

        targets = self.wait(scraped, timeout=60, message="Prometheus to scrape the target")
        self.assertEqual(len(targets), 1)
        t = targets[0]
        self.assertEqual(t["labels"]["instance"], f"127.0.0.1:{port}")
        self.assertEqual((t["labels"]["service"], t["labels"]["team"]), ("app", "core"))
        self.assertEqual(t["discoveredLabels"]["__meta_consul_service_id"], "app1")
        self.assertEqual(t["discoveredLabels"]["__meta_consul_tags"], ",scrape,v1,")
        self.assertEqual(t["discoveredLabels"]["__meta_consul_health"], "passing")

        query = urllib.parse.quote('up{job="roster",service="app"}')
        up = eventually(lambda: (self.prom_api(f"/api/v1/query?query={query}") or {}).get("result"),
                        timeout=30, interval=0.2, message="up == 1 in Prometheus")
        self.assertEqual(up[0]["value"][1], "1")

        self.agent.http("PUT", "/v1/agent/service/deregister/app1")
        eventually(lambda: self.active_targets() == [], timeout=30, interval=0.2,
                   message="the target to be dropped")

    def test_the_http_sd_example_loads_and_discovers_as_documented(self):
        with open(os.path.join(EXAMPLES, "prometheus-http-sd.yml")) as f:
            example = f.read()
        self.assertIn("127.0.0.1:8500", example)
        port = self.target.server_address[1]

        def register(name, sid, tags, status="passing", meta=None):
            check = {"TTL": "300s", **({"Status": status} if status else {})}
            s, _, b = self.agent.http("PUT", "/v1/agent/service/register",
                                      {"Name": name, "ID": sid, "Address": "127.0.0.1", "Port": port,
                                       "Tags": tags, "Meta": meta or {}, "Check": check})
            self.assertEqual(s, 200, b)
        # roster-services: passing instances tagged "metrics", meta metrics_path honoured.
        register("api", "api1", ["metrics"], meta={"metrics_path": "/custom"})
        register("quiet", "quiet1", [])                       # no "metrics" tag
        register("sick", "sick1", ["metrics"], status=None)   # critical: not listed by default
        # roster-web: web instances tagged v1, whatever their health.
        register("web", "web1", ["v1"], status=None)
        register("web", "web2", ["v2"])
        # Registered before Prometheus starts: its first http_sd refresh sees them
        # all, so the example's 30 s refresh_interval is no wait.
        self.start_prometheus(example.replace("127.0.0.1:8500", self.agent.http_addr))

        def discovered():
            targets = self.active_targets() or []
            return {t["scrapePool"] for t in targets} == {"roster-services", "roster-web"} and targets
        targets = self.wait(discovered, timeout=60, message="the example's two jobs to get targets")
        services = [t for t in targets if t["scrapePool"] == "roster-services"]
        self.assertEqual([t["labels"]["job"] for t in services], ["api"], "quiet (untagged), sick (critical) left out")
        [api] = services
        self.assertEqual((api["labels"]["node"], api["labels"]["dc"]), ("promnode", "dc1"))
        self.assertEqual(api["discoveredLabels"]["__meta_consul_service_id"], "api1")
        self.assertEqual(api["scrapeUrl"], f"http://127.0.0.1:{port}/custom")
        [web] = [t for t in targets if t["scrapePool"] == "roster-web"]
        self.assertEqual(web["discoveredLabels"]["__meta_consul_service_id"], "web1", "web2 lacks tag v1")
        self.assertEqual(web["labels"]["consul_health"], "critical")


@unittest.skipUnless(os.path.exists(PROMTOOL), "promtool is not installed")
class ExampleConfigs(unittest.TestCase):
    def promtool_check(self, name):
        r = subprocess.run([PROMTOOL, "check", "config", os.path.join(EXAMPLES, name)],
                           capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout + r.stderr

    def test_http_sd_example_passes_promtool(self):
        rc, out = self.promtool_check("prometheus-http-sd.yml")
        self.assertEqual(rc, 0, out)
        self.assertIn("SUCCESS", out)

    def test_consul_sd_example_passes_promtool_when_built_with_consul_sd(self):
        rc, out = self.promtool_check("prometheus-consul-sd.yml")
        if rc != 0 and "field consul_sd_configs not found" in out:
            self.skipTest("this promtool (Debian's) is built without consul_sd, so it cannot parse "
                          "consul_sd_configs; the example is for upstream builds")
        self.assertEqual(rc, 0, out)


if __name__ == "__main__":
    unittest.main()

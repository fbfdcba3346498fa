"""The real Prometheus (Debian's 2.42, no consul_sd) discovering targets through
http_sd_configs on /v1/prometheus/<service>: discovered with consul_sd's labels,
scraped (up == 1), and dropped after deregistration."""
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

from harness import Agent, eventually, free_port

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"


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
        self.prom_port = free_port()
        config = os.path.join(self.dir, "prometheus.yml")
        with open(config, "w") as f:
            f.write(f"""
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
        self.log = open(os.path.join(self.dir, "prometheus.log"), "wb")
        self.prom = subprocess.Popen([PROMETHEUS, f"--config.file={config}",
                                      f"--storage.tsdb.path={os.path.join(self.dir, 'data')}",
                                      f"--web.listen-address=127.0.0.1:{self.prom_port}"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        self.addCleanup(self.stop_prometheus)

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

        try:
            targets = eventually(scraped, timeout=60, interval=0.2, message="Prometheus to scrape the target")
        except AssertionError:
            with open(os.path.join(self.dir, "prometheus.log"), errors="replace") as f:
                print(f.read()[-4000:])
            raise
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


if __name__ == "__main__":
    unittest.main()

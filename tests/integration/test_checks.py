"""Health checks run by the agent (docs/checks.md, consul-compat §3): TCP, HTTP,
script and TTL checks flipping an instance in and out of DNS and
/v1/health/service/<name>?passing, thresholds, DeregisterCriticalServiceAfter,
script-check policy, re-registration with ?replace-existing-checks, persistence of
definitions, and bad input."""
import http.server
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import unittest
import urllib.parse

import consul

from harness import Agent, eventually

DOMAIN = "service.consul"


class Target:
    """A real HTTP server on 127.0.0.1:0 whose answer the test sets. Every
    request is recorded with what `on_request` returned when it arrived."""

    def __init__(self, code=200, body=b"fine", tls_dir=None):
        self.code = code
        self.body = body
        self.hits = []
        self.on_request = lambda: None
        target = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen = target.on_request()
                target.hits.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                    "body": body, "seen": seen})
                self.send_response(target.code)
                self.send_header("Content-Length", str(len(target.body)))
                self.end_headers()
                self.wfile.write(target.body)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        if tls_dir:  # HTTPS with a fresh self-signed certificate
            cert, key = os.path.join(tls_dir, "cert.pem"), os.path.join(tls_dir, "key.pem")
            subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                            "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert],
                           check=True, capture_output=True)
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
            self.url = f"https://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    return s


def closed_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Checks(unittest.TestCase):
    def agent(self, config=None, extra=(), dev=True):
        a = Agent(extra=extra, dev=dev, config=config).start()
        self.agents.append(a)
        self.addCleanup(a.cleanup)
        return a

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="roster-checks-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.agents = []

    # --- helpers --------------------------------------------------------------
    def register(self, a, body, expect=200):
        status, _, text = a.http("PUT", "/v1/agent/service/register", body)
        self.assertEqual(status, expect, text)
        return text.decode().rstrip("\n")

    def check(self, a, check_id):
        return a.get_json("/v1/agent/checks").get(check_id)

    def status(self, a, check_id):
        c = self.check(a, check_id)
        return c and c["Status"]

    def in_dns(self, a, name):
        r = a.dig(f"{name}.{DOMAIN}", "A")
        return r.status == "NOERROR" and bool(r.rdata("A"))

    def passing_ids(self, a, name):
        return sorted(e["Service"]["ID"] for e in a.get_json(f"/v1/health/service/{name}?passing"))

    def wait_status(self, a, check_id, want, timeout=15):
        eventually(lambda: self.status(a, check_id) == want, timeout=timeout,
                   message=f"{check_id} to turn {want} (now {self.check(a, check_id)})")

    # --- TCP --------------------------------------------------------------------
    def test_tcp_check_follows_its_listener_in_dns_and_passing(self):
        a = self.agent()
        s = listener()
        port = s.getsockname()[1]
        self.register(a, {"Name": "db", "ID": "db1", "Address": "127.0.0.7", "Port": port,
                          "Check": {"TCP": f"127.0.0.1:{port}", "Interval": "1s", "Timeout": "500ms"}})
        self.wait_status(a, "service:db1", "passing")
        c = self.check(a, "service:db1")
        self.assertEqual(c["Output"], f"TCP connect 127.0.0.1:{port}: Success")
        self.assertEqual((c["Type"], c["Interval"], c["Timeout"]), ("tcp", "1s", "500ms"))
        self.assertEqual(c["Definition"]["TCP"], f"127.0.0.1:{port}")
        self.assertEqual(a.dig(f"db.{DOMAIN}").rdata("A"), ["127.0.0.7"])
        self.assertEqual(self.passing_ids(a, "db"), ["db1"])
        s.close()
        self.wait_status(a, "service:db1", "critical")
        self.assertIn("refused", self.check(a, "service:db1")["Output"])
        self.assertEqual(a.dig(f"db.{DOMAIN}").status, "NXDOMAIN")
        self.assertEqual(self.passing_ids(a, "db"), [])
        # Still listed without ?passing, with its critical check.
        entries = a.get_json("/v1/health/service/db")
        self.assertEqual([ch["Status"] for ch in entries[0]["Checks"] if ch["CheckID"] == "service:db1"],
                         ["critical"])
        s2 = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s2.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s2.bind(("127.0.0.1", port))
        s2.listen(4)
        self.addCleanup(s2.close)
        eventually(lambda: self.in_dns(a, "db"), timeout=15, message="db back in DNS")

    # --- maintenance ------------------------------------------------------------
    def test_maintenance_takes_instances_out_of_dns(self):
        a = self.agent()
        self.register(a, {"Name": "web", "ID": "web1", "Address": "127.0.0.7", "Port": 80})
        self.register(a, {"Name": "api", "ID": "api1", "Address": "127.0.0.8", "Port": 81})
        self.assertTrue(self.in_dns(a, "web") and self.in_dns(a, "api"))

        def maintenance(path, enable):
            status, _, text = a.http("PUT", f"{path}?enable={'true' if enable else 'false'}&reason=test")
            self.assertEqual(status, 200, text)

        maintenance("/v1/agent/service/maintenance/web1", True)
        eventually(lambda: not self.in_dns(a, "web"), message="web out of DNS in service maintenance")
        self.assertEqual(a.dig(f"web.{DOMAIN}").status, "NXDOMAIN")
        self.assertTrue(self.in_dns(a, "api"))
        maintenance("/v1/agent/service/maintenance/web1", False)
        eventually(lambda: self.in_dns(a, "web"), message="web back in DNS")

        maintenance("/v1/agent/maintenance", True)
        eventually(lambda: not self.in_dns(a, "web") and not self.in_dns(a, "api"),
                   message="every instance out of DNS in node maintenance")
        maintenance("/v1/agent/maintenance", False)
        eventually(lambda: self.in_dns(a, "web") and self.in_dns(a, "api"), message="both back in DNS")

    # --- HTTP -------------------------------------------------------------------
    def test_http_check_maps_200_429_500_to_dns_and_health_filters(self):
        a = self.agent()
        t = Target(200)
        self.addCleanup(t.close)
        self.register(a, {"Name": "web", "ID": "web1", "Address": "127.0.0.8", "Port": t.port,
                          "Check": {"HTTP": f"{t.url}/health?x=1", "Interval": "1s", "Method": "POST",
                                    "Header": {"X-Probe": ["a", "b"]}, "Body": "ping"}})
        self.wait_status(a, "service:web1", "passing")
        c = self.check(a, "service:web1")
        self.assertEqual(c["Output"], f"HTTP POST {t.url}/health?x=1: 200 OK Output: fine")
        self.assertEqual(c["Type"], "http")
        self.assertEqual(c["Definition"]["Method"], "POST")
        self.assertEqual(c["Definition"]["Header"], {"X-Probe": ["a", "b"]})
        hit = t.hits[-1]
        self.assertEqual((hit["method"], hit["path"], hit["body"]), ("POST", "/health?x=1", b"ping"))
        self.assertEqual(hit["headers"]["User-Agent"], "Consul Health Check")
        self.assertTrue(self.in_dns(a, "web"))
        self.assertEqual(self.passing_ids(a, "web"), ["web1"])

        t.code = 429
        self.wait_status(a, "service:web1", "warning")
        self.assertTrue(self.in_dns(a, "web"))                   # DNS keeps warning...
        self.assertEqual(self.passing_ids(a, "web"), [])          # ...?passing drops it
        self.assertEqual([x["CheckID"] for x in a.get_json("/v1/health/state/warning")], ["service:web1"])
        status, _, body = a.http("GET", "/v1/agent/health/service/id/web1?format=text")
        self.assertEqual((status, body.strip()), (429, b"warning"))

        t.code = 500
        self.wait_status(a, "service:web1", "critical")
        self.assertIn("500 Internal Server Error", self.check(a, "service:web1")["Output"])
        self.assertEqual(a.dig(f"web.{DOMAIN}").status, "NXDOMAIN")
        status, _, _ = a.http("GET", "/v1/agent/health/service/id/web1")
        self.assertEqual(status, 503)

        t.code = 200
        self.wait_status(a, "service:web1", "passing")
        eventually(lambda: self.in_dns(a, "web"), message="web back in DNS")

    def test_https_check_with_a_self_signed_certificate_needs_tls_skip_verify(self):
        a = self.agent()
        t = Target(200, tls_dir=self.tmp)
        self.addCleanup(t.close)
        self.register(a, {"Name": "secure", "ID": "secure1", "Port": t.port, "Check": {
            "HTTP": f"{t.url}/health", "Interval": "1s", "TLSSkipVerify": True}})
        self.wait_status(a, "service:secure1", "passing")
        self.assertEqual(self.check(a, "service:secure1")["Output"], f"HTTP GET {t.url}/health: 200 OK Output: fine")
        self.assertEqual(t.hits[-1]["path"], "/health")
        # The same server without TLSSkipVerify: the certificate is not trusted,
        # so the check is critical and says why, and no request reached it.
        hits = len(t.hits)
        self.register(a, {"Name": "strict", "ID": "strict1", "Port": t.port, "Check": {
            "HTTP": f"{t.url}/strict", "Interval": "1s", "Status": "passing"}})
        self.wait_status(a, "service:strict1", "critical")
        self.assertIn("certificate", self.check(a, "service:strict1")["Output"].lower())
        self.assertFalse([h for h in t.hits[hits:] if h["path"] == "/strict"])
        self.assertEqual(self.passing_ids(a, "strict"), [])
        self.assertEqual(self.passing_ids(a, "secure"), ["secure1"])

    def test_http_check_with_no_server_is_critical(self):
        a = self.agent()
        port = closed_port()
        self.register(a, {"Name": "web", "ID": "web1", "Port": port, "Check": {
            "HTTP": f"http://127.0.0.1:{port}/", "Interval": "1s", "Status": "passing"}})
        self.wait_status(a, "service:web1", "critical")
        self.assertTrue(self.check(a, "service:web1")["Output"].startswith(f"HTTP GET http://127.0.0.1:{port}/: "))

    # --- thresholds -----------------------------------------------------------
    def test_success_before_passing_and_failures_before_critical(self):
        a = self.agent()
        t = Target(200)
        self.addCleanup(t.close)
        # Each request records the check's status as the agent shows it then.
        t.on_request = lambda: self.status(a, "service:web1")
        self.register(a, {"Name": "web", "ID": "web1", "Port": t.port, "Check": {
            "HTTP": t.url, "Interval": "1s", "SuccessBeforePassing": 3, "FailuresBeforeCritical": 2}})
        self.wait_status(a, "service:web1", "passing")
        # The second and third requests saw it still critical: two successes were not enough.
        self.assertGreaterEqual(len(t.hits), 3)
        self.assertEqual([h["seen"] for h in t.hits[1:3]], ["critical", "critical"])
        self.assertTrue(self.in_dns(a, "web"))
        t.code = 500
        first_failure = len(t.hits)
        self.wait_status(a, "service:web1", "critical")
        # The request after the first failure still saw it passing.
        failures = t.hits[first_failure:]
        self.assertGreaterEqual(len(failures), 2)
        self.assertEqual(failures[1]["seen"], "passing")

    # --- script -----------------------------------------------------------------
    def test_script_check_from_a_config_file_with_enable_local_script_checks(self):
        flag = os.path.join(self.tmp, "healthy")
        config = {"enable_local_script_checks": True, "services": [{
            "name": "job", "id": "job1", "address": "127.0.0.9", "port": 1,
            "check": {"args": ["/bin/sh", "-c", f'echo probing; test -e "{flag}" && exit 0; echo missing >&2; exit 2'],
                      "interval": "1s", "timeout": "5s"}}]}
        a = self.agent(config)
        # A check starts critical with no output: wait for its first run.
        eventually(lambda: (self.check(a, "service:job1") or {}).get("Output"), timeout=15,
                   message=f"the script check's first run (now {self.check(a, 'service:job1')})")
        self.assertEqual(self.status(a, "service:job1"), "critical")
        self.assertEqual(self.check(a, "service:job1")["Output"], "probing\nmissing\n")
        self.assertEqual(self.check(a, "service:job1")["Type"], "script")
        self.assertEqual(a.dig(f"job.{DOMAIN}").status, "NXDOMAIN")
        open(flag, "w").close()
        self.wait_status(a, "service:job1", "passing")
        self.assertEqual(a.dig(f"job.{DOMAIN}").rdata("A"), ["127.0.0.9"])
        # The API may not add scripts when only local ones are enabled.
        text = self.register(a, {"Name": "x", "Check": {"Args": ["/bin/true"], "Interval": "1s"}}, expect=400)
        self.assertEqual(text, "Scripts are disabled on this agent from remote calls; to enable, configure "
                               "'enable_script_checks' to true")

    def test_script_exit_one_is_warning_and_timeouts_are_critical(self):
        a = self.agent(extra=["-enable-script-checks"])
        self.register(a, {"Name": "s", "ID": "s1", "Checks": [
            {"Args": ["/bin/sh", "-c", "echo degraded; exit 1"], "Interval": "1s"},
            {"Args": ["/bin/sleep", "30"], "Interval": "2s", "Timeout": "1s"}]})
        self.wait_status(a, "service:s1:1", "warning")
        self.assertEqual(self.check(a, "service:s1:1")["Output"], "degraded\n")
        self.wait_status(a, "service:s1:2", "critical")
        eventually(lambda: self.check(a, "service:s1:2")["Output"] == "Timed out (1s) running check",
                   message="the timeout's output")

    def test_script_checks_are_refused_by_default(self):
        a = self.agent()
        for path, body in (("/v1/agent/service/register", {"Name": "x", "Check": {"Args": ["/bin/true"], "Interval": "1s"}}),
                           ("/v1/agent/check/register", {"Name": "x", "ScriptArgs": ["/bin/true"], "Interval": "1s"})):
            status, _, text = a.http("PUT", path, body)
            self.assertEqual((status, text.decode().rstrip("\n")), (400, "Scripts are disabled on this agent; to enable, configure "
                                                             "'enable_script_checks' or 'enable_local_script_checks' to true"))
        self.assertEqual(a.get_json("/v1/agent/checks"), {})

    def test_a_config_file_script_check_without_the_setting_stops_the_agent(self):
        path = os.path.join(self.tmp, "bad.json")
        with open(path, "w") as f:
            json.dump({"service": {"name": "x", "check": {"args": ["/bin/true"], "interval": "1s"}}}, f)
        a = Agent(extra=["-config-file", path])
        self.addCleanup(a.cleanup)
        with self.assertRaises(AssertionError):
            a.start()
        self.assertIn("Scripts are disabled on this agent", a.log())

    # --- TTL --------------------------------------------------------------------
    def test_ttl_check_flips_the_instance(self):
        a = self.agent()
        self.register(a, {"Name": "api", "ID": "api1", "Port": 1, "Check": {"TTL": "30s"}})
        self.assertEqual(a.dig(f"api.{DOMAIN}").status, "NXDOMAIN")
        self.assertEqual(a.http("PUT", "/v1/agent/check/pass/service:api1")[0], 200)
        self.assertTrue(self.in_dns(a, "api"))
        self.assertEqual(self.check(a, "service:api1")["Type"], "ttl")
        self.assertEqual(a.http("PUT", "/v1/agent/check/fail/service:api1")[0], 200)
        self.assertEqual(a.dig(f"api.{DOMAIN}").status, "NXDOMAIN")

    # --- re-registration --------------------------------------------------------
    def test_replace_existing_checks_drops_the_checks_left_out(self):
        a = self.agent()
        svc = {"Name": "api", "ID": "api1", "Port": 1}

        def ids():
            return sorted(a.get_json("/v1/agent/checks"))

        def reregister(query, *check_ids):
            status, _, text = a.http("PUT", "/v1/agent/service/register" + query,
                                     {**svc, "Checks": [{"CheckID": c, "TTL": "300s"} for c in check_ids]})
            self.assertEqual(status, 200, (query, text))

        reregister("", "c1", "c2")
        self.assertEqual(ids(), ["c1", "c2"])
        self.assertEqual(a.http("PUT", "/v1/agent/check/pass/c2")[0], 200)
        # Consul's spellings: the bare parameter and =true.
        reregister("?replace-existing-checks", "c2")
        self.assertEqual(ids(), ["c2"])
        self.assertEqual(self.status(a, "c2"), "passing", "a check that stays keeps its status")
        # Without the parameter (or =false) the checks already there are kept.
        reregister("", "c3")
        self.assertEqual(ids(), ["c2", "c3"])
        reregister("?replace-existing-checks=false", "c4")
        self.assertEqual(ids(), ["c2", "c3", "c4"])
        reregister("?replace-existing-checks=true", "c3")
        self.assertEqual(ids(), ["c3"])
        self.assertEqual(list(a.get_json("/v1/agent/services")), ["api1"])
        self.assertEqual([c["CheckID"] for c in a.get_json("/v1/health/checks/api")], ["c3"])

    def test_ttl_expiry_takes_the_instance_out_of_dns_and_passing(self):
        # With -data-dir: the expiry is a durable write, made off the I/O threads.
        a = self.agent(dev=False)
        self.register(a, {"Name": "beat", "ID": "beat1", "Port": 1, "Check": {"TTL": "3s"}})
        self.assertEqual(a.http("PUT", "/v1/agent/check/pass/service:beat1?note=alive")[0], 200)
        self.assertTrue(self.in_dns(a, "beat"))
        self.assertEqual(self.passing_ids(a, "beat"), ["beat1"])
        self.wait_status(a, "service:beat1", "critical")
        self.assertEqual(self.check(a, "service:beat1")["Output"],
                         "TTL expired (last output before timeout follows): alive")
        self.assertEqual(a.dig(f"beat.{DOMAIN}").status, "NXDOMAIN")
        self.assertEqual(self.passing_ids(a, "beat"), [])
        # Passing again brings it back.
        self.assertEqual(a.http("PUT", "/v1/agent/check/pass/service:beat1")[0], 200)
        self.assertTrue(self.in_dns(a, "beat"))

    # --- reaping ----------------------------------------------------------------
    def test_deregister_critical_service_after_removes_the_service(self):
        a = self.agent({"check_reap_interval": "200ms"})
        port = closed_port()
        self.register(a, {"Name": "gone", "ID": "gone1", "Port": port, "Check": {
            "TCP": f"127.0.0.1:{port}", "Interval": "1s", "DeregisterCriticalServiceAfter": "2s"}})
        self.register(a, {"Name": "kept", "ID": "kept1", "Port": port, "Check": {
            "TCP": f"127.0.0.1:{port}", "Interval": "1s"}})
        self.assertEqual(self.check(a, "service:gone1")["Definition"]["DeregisterCriticalServiceAfter"], "2s")
        eventually(lambda: "gone1" not in a.get_json("/v1/agent/services"), timeout=15,
                   message="the critical service to be reaped")
        self.assertIn("kept1", a.get_json("/v1/agent/services"))
        self.assertNotIn("service:gone1", a.get_json("/v1/agent/checks"))
        self.assertIn("gone1", a.log())

    # --- python-consul --------------------------------------------------------
    def test_python_consul_check_helpers(self):
        a = self.agent()
        c = consul.Consul(port=a.http_port)
        s = listener()
        self.addCleanup(s.close)
        t = Target(200)
        self.addCleanup(t.close)
        port = s.getsockname()[1]
        self.assertTrue(c.agent.service.register("pdb", service_id="pdb1", port=port,
                                                 check=consul.Check.tcp("127.0.0.1", port, "1s", timeout="1s")))
        self.assertTrue(c.agent.check.register("phttp", check=consul.Check.http(t.url, "1s", deregister="1m"),
                                               check_id="phttp"))
        self.wait_status(a, "service:pdb1", "passing")
        self.wait_status(a, "phttp", "passing")
        _, nodes = c.health.service("pdb", passing=True)
        self.assertEqual([n["Service"]["ID"] for n in nodes], ["pdb1"])
        # Check.script sends Consul < 1.1's shell `script`: refused, naming it.
        with self.assertRaises(consul.base.ConsulException) as e:
            c.agent.check.register("pscript", check=consul.Check.script("true", "1s"))
        self.assertIn("Script (a shell command line", str(e.exception))

    # --- persistence ------------------------------------------------------------
    def test_definitions_survive_a_restart_and_run_again(self):
        data = os.path.join(self.tmp, "data")
        t = Target(200)
        self.addCleanup(t.close)
        a = self.agent(extra=["-data-dir", data], dev=False)
        self.register(a, {"Name": "web", "ID": "web1", "Port": t.port, "Check": {
            "HTTP": t.url + "/h", "Interval": "1s", "Header": {"X-A": ["1"]}, "FailuresBeforeCritical": 2}})
        self.wait_status(a, "service:web1", "passing")
        self.assertEqual(a.stop(), 0)
        t.code = 500
        b = self.agent(extra=["-data-dir", data], dev=False)
        c = self.check(b, "service:web1")
        self.assertEqual((c["Type"], c["Interval"], c["Definition"]["HTTP"], c["Definition"]["Header"]),
                         ("http", "1s", t.url + "/h", {"X-A": ["1"]}))
        self.wait_status(b, "service:web1", "critical")

    # --- bad input --------------------------------------------------------------
    def test_bad_definitions_are_one_line_400s(self):
        a = self.agent()
        cases = [
            ({"TCP": "127.0.0.1:1"}, "Interval must be > 0"),
            ({"HTTP": "ftp://x/", "Interval": "1s"}, "HTTP must be an http:// or https:// URL"),
            ({"HTTP": "http://", "Interval": "1s"}, "HTTP must be an http:// or https:// URL"),
            ({"TCP": "nohost", "Interval": "1s"}, "TCP must be host:port"),
            ({"TCP": "127.0.0.1:1", "Interval": "-5s"}, "Interval must not be negative"),
            ({"TCP": "127.0.0.1:1", "Interval": "1s", "Timeout": "-1s"}, "Timeout must not be negative"),
            ({"TTL": "-10s"}, "TTL must not be negative"),
            ({"TCP": "127.0.0.1:1", "Interval": "1s", "DeregisterCriticalServiceAfter": "-1m"}, "must not be negative"),
            ({"TCP": "127.0.0.1:1", "Interval": "1s", "FailuresBeforeCritical": -1}, "must be >= 0"),
            ({"TTL": "10s", "Type": "magic"}, 'unknown check type "magic"'),
            ({"GRPC": "127.0.0.1:1", "Interval": "1s"}, "GRPC checks are not supported"),
            ({"UDP": "127.0.0.1:1", "Interval": "1s"}, "UDP checks are not supported"),
            ({"H2PING": "127.0.0.1:1", "Interval": "1s"}, "H2PING checks are not supported"),
            ({"DockerContainerID": "abc", "Args": ["x"], "Interval": "1s"}, "only one check type"),
            ({"AliasService": "web"}, "AliasService checks are not supported"),
            ({"Interval": "1s"}, "one of TTL, HTTP, TCP or Args must be set"),
            ({"TTL": "10s", "Interval": "1s"}, "Interval and TTL cannot both be specified"),
        ]
        for check, expect in cases:
            for path, body in (("/v1/agent/service/register", {"Name": "bad", "Check": check}),
                               ("/v1/agent/check/register", {"Name": "bad", **check})):
                status, _, text = a.http("PUT", path, body)
                text = text.decode()
                self.assertEqual(status, 400, (path, check, text))
                self.assertIn(expect, text, (path, check))
                self.assertNotIn("\n", text.strip())
        self.assertEqual(a.get_json("/v1/agent/services"), {})
        self.assertEqual(a.get_json("/v1/agent/checks"), {})


if __name__ == "__main__":
    unittest.main()

"""`roster catalog`, `roster services` and `roster watch` against the real agent."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import unittest

from harness import ROSTER, SOURCE_DIR, Agent, eventually, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
WEB = os.path.join(SOURCE_DIR, "examples", "services", "web.json")


class Cli(unittest.TestCase):
    def setUp(self):
        self.agent = Agent(node="clinode").start()
        self.addCleanup(self.agent.cleanup)
        self.tmp = tempfile.mkdtemp(prefix="roster-cli-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def roster(self, *args, env=None):
        full_env = dict(os.environ)
        full_env.pop("CONSUL_HTTP_ADDR", None)
        full_env.update(env or {})
        return subprocess.run([ROSTER, *args], capture_output=True, text=True, timeout=30, env=full_env)

    def addr(self):
        return ["-http-addr", self.agent.http_addr]

    def test_register_list_and_deregister_from_a_definition_file(self):
        r = self.roster("services", "register", *self.addr(), WEB)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "Registered service: web\n")
        svc = self.agent.get_json("/v1/agent/services")["web-1"]
        self.assertEqual((svc["Port"], svc["Tags"], svc["Meta"]), (8080, ["v1", "primary"], {"team": "frontend"}))
        self.assertEqual(self.agent.dig("web.service.consul").rdata("A"), ["127.0.0.1"])

        r = self.roster("catalog", "services", *self.addr())
        self.assertEqual(r.stdout, "web\n")
        r = self.roster("catalog", "services", "-tags", *self.addr())
        self.assertEqual(r.stdout, "web  primary,v1\n")
        r = self.roster("catalog", "services", "-node", "clinode", *self.addr())
        self.assertEqual(r.stdout, "web\n")

        r = self.roster("catalog", "nodes", *self.addr())
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["Node", "ID", "Address", "DC"])
        node = lines[1].split()
        self.assertEqual((node[0], node[2], node[3]), ("clinode", "127.0.0.1", "dc1"))
        self.assertNotIn("-", node[1], "the short ID stops at the first dash")
        r = self.roster("catalog", "nodes", "-detailed", "-service", "web", *self.addr())
        self.assertIn("TaggedAddresses", r.stdout.splitlines()[0])
        self.assertIn("lan=127.0.0.1", r.stdout)

        r = self.roster("services", "deregister", *self.addr(), "web-1")
        self.assertEqual((r.returncode, r.stdout), (0, "Deregistered service: web-1\n"), r.stderr)
        self.assertEqual(self.agent.get_json("/v1/agent/services"), {})

    def test_register_with_flags_and_deregister_with_the_file(self):
        r = self.roster("services", "register", "-name", "api", "-id", "api-7", "-port", "9000", "-tag", "a",
                        "-tag", "b", "-meta", "k=v", "-address", "127.0.0.9", *self.addr())
        self.assertEqual(r.returncode, 0, r.stderr)
        svc = self.agent.get_json("/v1/agent/services")["api-7"]
        self.assertEqual((svc["Address"], svc["Tags"], svc["Meta"]), ("127.0.0.9", ["a", "b"], {"k": "v"}))
        self.assertEqual(self.roster("services", "register", *self.addr(), WEB).returncode, 0)
        r = self.roster("services", "deregister", *self.addr(), WEB)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(list(self.agent.get_json("/v1/agent/services")), ["api-7"])

    def test_consul_http_addr_is_honoured(self):
        r = self.roster("catalog", "nodes", env={"CONSUL_HTTP_ADDR": f"http://{self.agent.http_addr}"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("clinode", r.stdout)

    def test_errors_are_one_clear_line_and_a_non_zero_exit(self):
        r = self.roster("services", "deregister", *self.addr(), "nope")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("404", r.stderr)
        r = self.roster("services", "register", "-name", "bad", "-address", "0.0.0.0", *self.addr())
        self.assertEqual(r.returncode, 1)
        self.assertIn("Invalid service address", r.stderr)
        down = f"127.0.0.1:{free_port()}"
        r = self.roster("catalog", "services", "-http-addr", down)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn("connect", r.stderr)
        r = self.roster("catalog", "frobnicate")
        self.assertEqual(r.returncode, 2)
        r = self.roster("services", "register", *self.addr())
        self.assertEqual(r.returncode, 2)
        self.assertIn("Usage", r.stderr)


class Watch(unittest.TestCase):
    def setUp(self):
        self.agent = Agent(node="watchnode").start()
        self.addCleanup(self.agent.cleanup)
        self.tmp = tempfile.mkdtemp(prefix="roster-watch-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def start_watch(self, *args):
        p = subprocess.Popen([ROSTER, "watch", "-http-addr", self.agent.http_addr, *args],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        def stop():
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(10)
            p.stdout.close()
            p.stderr.close()
        self.addCleanup(stop)
        return p

    def register(self, sid, port):
        s, _, b = self.agent.http("PUT", "/v1/agent/service/register", {"Name": "web", "ID": sid, "Port": port})
        self.assertEqual(s, 200, b)

    def test_prints_the_json_each_time_the_result_changes(self):
        p = self.start_watch("-type", "service", "-service", "web")
        docs = []
        reader_done = threading.Event()

        def read():
            buf = ""
            for line in p.stdout:  # pretty JSON documents, one after another
                buf += line
                try:
                    docs.append(json.loads(buf))
                    buf = ""
                except json.JSONDecodeError:
                    pass
            reader_done.set()
        threading.Thread(target=read, daemon=True).start()
        eventually(lambda: len(docs) >= 1, message="the first result")
        self.assertEqual(docs[0], [])
        self.register("web-1", 1)
        eventually(lambda: len(docs) >= 2, message="the registration to be printed")
        self.assertEqual([e["Service"]["ID"] for e in docs[1]], ["web-1"])
        self.register("web-2", 2)
        eventually(lambda: len(docs) >= 3, message="the second registration")
        self.assertEqual(sorted(e["Service"]["ID"] for e in docs[2]), ["web-1", "web-2"])

    def test_runs_the_handler_with_the_json_on_stdin_and_survives_its_failure(self):
        out = os.path.join(self.tmp, "runs")
        self.start_watch("-type", "services", "--", sys.executable, os.path.join(HERE, "watch_handler.py"), out, "3")
        eventually(lambda: os.path.exists(out), message="the first handler run")
        self.register("web-1", 1)
        eventually(lambda: len(open(out).read().splitlines()) >= 2, message="a handler run for the change")
        runs = [json.loads(l) for l in open(out).read().splitlines()]
        self.assertEqual(runs[0], {})
        self.assertEqual(runs[-1], {"web": []})

    def test_cooldown_bounds_how_often_the_handler_runs(self):
        out = os.path.join(self.tmp, "runs")
        self.start_watch("-type", "service", "-service", "web", "-cooldown", "1",
                         "--", sys.executable, os.path.join(HERE, "watch_handler.py"), out)
        eventually(lambda: os.path.exists(out), message="the first handler run")
        for i in range(5):
            self.register(f"web-{i}", i + 1)
        # The last state is always delivered, but not five times in a row.
        eventually(lambda: len(json.loads(open(out).read().splitlines()[-1])) == 5, timeout=15,
                   message="the final state after the cooldown")
        self.assertLess(len(open(out).read().splitlines()), 6)

    # --- what the handler receives for each -type -------------------------------
    def watch_runs(self, *args):
        """Starts a watch whose handler appends each stdin document to a file;
        returns a function listing the documents received so far."""
        out = os.path.join(self.tmp, "runs")
        self.start_watch(*args, "--", sys.executable, os.path.join(HERE, "watch_handler.py"), out)

        def runs():
            if not os.path.exists(out):
                return []
            with open(out) as f:  # whole lines only: a run may be mid-write
                return [json.loads(line) for line in f.read().split("\n")[:-1]]
        return runs

    def put(self, path, body=None):
        s, _, b = self.agent.http("PUT", path, body)
        self.assertEqual(s, 200, b)

    @staticmethod
    def ids(entries):
        return sorted(e["Service"]["ID"] for e in entries)

    def test_nodes_handler_gets_the_catalog_nodes(self):
        runs = self.watch_runs("-type", "nodes")
        first = eventually(runs, message="the first handler run")[0]
        self.assertEqual([(n["Node"], n["Address"]) for n in first], [("watchnode", "127.0.0.1")])
        self.put("/v1/catalog/register", {"Node": "ext1", "Address": "10.0.0.9"})
        eventually(lambda: sorted((n["Node"], n["Address"]) for n in runs()[-1])
                   == [("ext1", "10.0.0.9"), ("watchnode", "127.0.0.1")], message="the new node")
        self.put("/v1/catalog/deregister", {"Node": "ext1"})
        eventually(lambda: [n["Node"] for n in runs()[-1]] == ["watchnode"], message="the node to go")

    def test_checks_handler_gets_every_check_and_its_status_changes(self):
        runs = self.watch_runs("-type", "checks")
        first = eventually(runs, message="the first handler run")[0]
        self.assertEqual([(c["CheckID"], c["Status"]) for c in first], [("serfHealth", "passing")])

        def api_ttl(status):
            """The check as the latest handler run saw it, once in `status`."""
            last = runs()[-1]
            c = {c["CheckID"]: c for c in last}.get("api-ttl")
            return c and c["Status"] == status and (c, last)
        self.put("/v1/agent/service/register",
                 {"Name": "api", "ID": "api1", "Port": 1, "Check": {"CheckID": "api-ttl", "TTL": "300s"}})
        c, _ = eventually(lambda: api_ttl("critical"), message="the new TTL check in a handler run")
        self.assertEqual((c["ServiceID"], c["ServiceName"], c["Type"]), ("api1", "api", "ttl"))
        self.put("/v1/agent/check/pass/api-ttl?note=all%20good")
        c, last = eventually(lambda: api_ttl("passing"), message="the check's pass in a handler run")
        self.assertEqual(c["Output"], "all good")
        self.assertEqual(sorted(c["CheckID"] for c in last), ["api-ttl", "serfHealth"])

    def test_checks_of_one_service(self):
        runs = self.watch_runs("-type", "checks", "-service", "api")
        self.assertEqual(eventually(runs, message="the first handler run")[0], [],
                         "the node's serfHealth is no check of the service")
        self.put("/v1/agent/service/register", {"Name": "other", "Port": 2, "Check": {"TTL": "300s"}})
        self.put("/v1/agent/service/register", {"Name": "api", "ID": "api1", "Port": 1, "Check": {"TTL": "300s"}})
        eventually(lambda: [c["CheckID"] for c in runs()[-1]] == ["service:api1"], message="api's check")
        self.assertEqual({c["ServiceName"] for run in runs() for c in run}, {"api"})

    def test_checks_in_one_state(self):
        runs = self.watch_runs("-type", "checks", "-state", "critical")
        self.assertEqual(eventually(runs, message="the first handler run")[0], [],
                         "the passing serfHealth is left out")
        self.put("/v1/agent/service/register", {"Name": "api", "ID": "api1", "Port": 1, "Check": {"TTL": "300s"}})
        eventually(lambda: [(c["CheckID"], c["Status"]) for c in runs()[-1]] == [("service:api1", "critical")],
                   message="the critical check")
        self.put("/v1/agent/check/pass/service:api1")
        eventually(lambda: len(runs()) >= 3 and runs()[-1] == [], message="the check to leave once passing")
        self.assertEqual({c["Status"] for run in runs() for c in run}, {"critical"})

    def test_service_tag_keeps_only_the_tagged_instances(self):
        runs = self.watch_runs("-type", "service", "-service", "web", "-tag", "v1")
        self.assertEqual(eventually(runs, message="the first handler run")[0], [])
        self.put("/v1/agent/service/register", {"Name": "web", "ID": "web-2", "Port": 2, "Tags": ["v2"]})
        self.put("/v1/agent/service/register", {"Name": "web", "ID": "web-1", "Port": 1, "Tags": ["v1"]})
        eventually(lambda: self.ids(runs()[-1]) == ["web-1"], message="the tagged instance")
        self.put("/v1/agent/service/register", {"Name": "web", "ID": "web-3", "Port": 3, "Tags": ["v2", "v1"]})
        eventually(lambda: self.ids(runs()[-1]) == ["web-1", "web-3"], message="the second tagged instance")
        self.assertNotIn("web-2", {e["Service"]["ID"] for run in runs() for e in run})
        entry = runs()[-1][0]
        self.assertEqual((entry["Node"]["Node"], entry["Service"]["Service"]), ("watchnode", "web"))

    def test_repeated_tags_must_all_match(self):
        for sid, tags in (("web-1", ["v1"]), ("web-2", ["v2"]), ("web-3", ["v1", "v2"])):
            self.put("/v1/agent/service/register", {"Name": "web", "ID": sid, "Port": 1, "Tags": tags})
        runs = self.watch_runs("-type", "service", "-service", "web", "-tag", "v1", "-tag", "v2")
        self.assertEqual(self.ids(eventually(runs, message="the first handler run")[0]), ["web-3"])

    def test_passingonly_leaves_out_instances_until_they_pass(self):
        self.put("/v1/agent/service/register",
                 {"Name": "web", "ID": "web-1", "Port": 1, "Check": {"CheckID": "web-1-ttl", "TTL": "300s"}})
        self.put("/v1/agent/service/register",
                 {"Name": "web", "ID": "web-2", "Port": 2, "Check": {"TTL": "300s", "Status": "passing"}})
        runs = self.watch_runs("-type", "service", "-service", "web", "-passingonly")
        self.assertEqual(self.ids(eventually(runs, message="the first handler run")[0]), ["web-2"],
                         "the critical web-1 is left out")
        self.put("/v1/agent/check/pass/web-1-ttl")
        eventually(lambda: self.ids(runs()[-1]) == ["web-1", "web-2"], message="web-1 once passing")
        self.put("/v1/agent/check/fail/web-1-ttl")
        eventually(lambda: self.ids(runs()[-1]) == ["web-2"], message="web-1 to leave once critical")

    def test_usage_errors_exit_2(self):
        for args in (["-type", "service"], ["-type", "bogus"], ["-type", "services", "--"]):
            r = subprocess.run([ROSTER, "watch", "-http-addr", self.agent.http_addr, *args],
                               capture_output=True, text=True, timeout=10)
            self.assertEqual(r.returncode, 2, args)


if __name__ == "__main__":
    unittest.main()

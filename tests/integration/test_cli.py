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

    def test_usage_errors_exit_2(self):
        for args in (["-type", "service"], ["-type", "bogus"], ["-type", "services", "--"]):
            r = subprocess.run([ROSTER, "watch", "-http-addr", self.agent.http_addr, *args],
                               capture_output=True, text=True, timeout=10)
            self.assertEqual(r.returncode, 2, args)


if __name__ == "__main__":
    unittest.main()

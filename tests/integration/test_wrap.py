"""`roster wrap` with the real agent and real children."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import unittest

from harness import ROSTER, Agent, eventually, free_port

HERE = os.path.dirname(os.path.abspath(__file__))


class Wrap(unittest.TestCase):
    def setUp(self):
        self.agent = Agent(node="wrapnode").start()
        self.addCleanup(self.agent.cleanup)
        self.tmp = tempfile.mkdtemp(prefix="roster-wrap-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def wrap(self, name, *command, options=()):
        p = subprocess.Popen([ROSTER, "wrap", "--consul-agent", self.agent.http_addr, *options, name, "--", *command],
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        def stop():
            if p.poll() is None:
                p.kill()
                p.wait()
            p.stdout.close()
            p.stderr.close()
        self.addCleanup(stop)
        return p

    def services(self):
        return self.agent.get_json("/v1/agent/services")

    def test_exit_status_is_the_childs(self):
        p = self.wrap("three", "sh", "-c", "echo from-child; exit 3")
        self.assertEqual(p.wait(timeout=10), 3)
        self.assertIn("from-child", p.stdout.read(), "the child's stdout passes through")
        self.assertNotIn("three", self.services())

    def test_killed_by_a_signal_exits_128_plus_n(self):
        p = self.wrap("killed", "sh", "-c", "kill -KILL $$")
        self.assertEqual(p.wait(timeout=10), 128 + signal.SIGKILL)

    def test_registered_while_running_and_deregistered_when_the_child_exits(self):
        gate = os.path.join(self.tmp, "gate")
        p = self.wrap("svc", "sh", "-c", f"while [ ! -e {gate} ]; do sleep 0.05; done; exit 0",
                      options=["--port", "1234", "--tags", "a", "--tags", "b", "--id", "svc-1"])
        svc = eventually(lambda: self.services().get("svc-1"), message="the registration")
        self.assertEqual((svc["Service"], svc["Port"], svc["Tags"]), ("svc", 1234, ["a", "b"]))
        eventually(lambda: self.agent.dig("svc.service.consul").status == "NOERROR",
                   message="the TTL check to pass")
        open(gate, "w").close()
        self.assertEqual(p.wait(timeout=10), 0)
        # Deregistered before the wrapper exits: no waiting for a heartbeat.
        self.assertNotIn("svc-1", self.services())
        self.assertEqual(self.agent.dig("svc.service.consul").status, "NXDOMAIN")

    def test_signals_are_forwarded_to_the_child(self):
        out = os.path.join(self.tmp, "signals")
        p = self.wrap("sig", sys.executable, os.path.join(HERE, "signal_child.py"), out)
        eventually(lambda: os.path.exists(out + ".ready"), message="the child to install its handlers")
        eventually(lambda: "sig" in self.services(), message="the registration")
        for s in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGQUIT, signal.SIGINT):
            p.send_signal(s)
            eventually(lambda: os.path.exists(out) and signal.Signals(s).name in open(out).read(),
                       message=f"{signal.Signals(s).name} to reach the child")
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=10), 7)
        self.assertIn("SIGTERM", open(out).read())
        self.assertNotIn("sig", self.services())

    def test_usage_errors_exit_2_without_starting_anything(self):
        marker = os.path.join(self.tmp, "started")
        for args in (["name"], ["--ttl", "abc", "name", "--", "touch", marker], ["--", "touch", marker]):
            r = subprocess.run([ROSTER, "wrap", *args], capture_output=True, text=True, timeout=10)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("usage", r.stderr.lower())
        self.assertFalse(os.path.exists(marker))


class WrapAgentDown(unittest.TestCase):
    def test_child_starts_while_the_agent_is_down_and_registers_once_it_is_up(self):
        tmp = tempfile.mkdtemp(prefix="roster-wrap-")
        self.addCleanup(shutil.rmtree, tmp, True)
        port = free_port()
        started = os.path.join(tmp, "started")
        p = subprocess.Popen([ROSTER, "wrap", "--consul-agent", f"127.0.0.1:{port}", "late", "--",
                              "sh", "-c", f"touch {started}; exec sleep 60"],
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        def stop():
            if p.poll() is None:
                p.terminate()
                p.wait(10)
        self.addCleanup(stop)
        eventually(lambda: os.path.exists(started), message="the child to start without an agent")
        agent = Agent(node="late", http_port=port).start()
        self.addCleanup(agent.cleanup)
        eventually(lambda: "late" in agent.get_json("/v1/agent/services"), timeout=20,
                   message="the retried registration")
        p.terminate()
        self.assertEqual(p.wait(10), 128 + signal.SIGTERM)
        self.assertNotIn("late", agent.get_json("/v1/agent/services"))


if __name__ == "__main__":
    unittest.main()

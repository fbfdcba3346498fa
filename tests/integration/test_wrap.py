"""`roster wrap` with the real agent and real children: the command line, the
child's stdio and exit status, signal forwarding, and the agent failing
(down at start, restarted mid-run)."""
import os
import signal
import socket
import subprocess
import sys
import unittest

from harness import ROSTER, Agent, eventually
from wrap_support import SIGNAL_CHILD, WrapCase, children, listen_port, proc_stat, read


class Wrap(WrapCase):
    def test_exit_status_is_the_childs(self):
        p = self.wrap("three", "sh", "-c", "echo from-child; exit 3")
        self.assertEqual(p.wait(timeout=10), 3)
        self.assertIn("from-child", p.stdout.read(), "the child's stdout passes through")
        self.assertNotIn("three", self.services())

    def test_killed_by_a_signal_exits_128_plus_n(self):
        p = self.wrap("killed", "sh", "-c", "kill -KILL $$")
        self.assertEqual(p.wait(timeout=10), 128 + signal.SIGKILL)

    def test_stdin_and_stdout_pass_through_untouched(self):
        p = self.wrap("upper", "tr", "a-z", "A-Z", stdin=subprocess.PIPE)
        out, _ = p.communicate("hello wrapper\n", timeout=10)
        self.assertEqual(out, "HELLO WRAPPER\n")
        self.assertEqual(p.returncode, 0)
        self.assertEqual(self.stderr_of(p), "", "nothing of the wrapper's own at the default verbosity")

    def test_stderr_passes_through_byte_for_byte(self):
        # Not UTF-8, NULs, CR, no final newline, and more than a pipe buffer.
        payload = bytes(range(256)) * 1024 + b"\r\nlast line, no newline \xff\x00"
        src = self.path("payload")
        with open(src, "wb") as f:
            f.write(payload)
        p = self.wrap("noisy", sys.executable, "-c",
                      "import sys; sys.stdout.write('to stdout'); sys.stdout.flush(); "
                      f"sys.stderr.buffer.write(open({src!r}, 'rb').read())")
        self.assertEqual(p.wait(timeout=10), 0)
        self.assertEqual(p.stdout.read(), "to stdout", "stdout stays apart from stderr")
        with open(p.err_path, "rb") as f:
            got = f.read()
        self.assertEqual(len(got), len(payload))
        self.assertTrue(got == payload, "the child's stderr arrives unchanged, with nothing of the wrapper's")

    def test_registered_while_running_and_deregistered_when_the_child_exits(self):
        port = listen_port()
        p = self.wrap("svc", "nc", "-l", "127.0.0.1", str(port),
                      options=["--port", str(port), "--tags", "a", "--tags", "b", "--id", "svc-1"])
        svc = eventually(lambda: self.services().get("svc-1"), message="the registration")
        self.assertEqual((svc["Service"], svc["Port"], svc["Tags"]), ("svc", port, ["a", "b"]))
        eventually(lambda: self.in_dns("svc"), message="the TTL check to pass")
        with socket.create_connection(("127.0.0.1", port)):  # nc serves one client, then exits 0
            pass
        self.assertEqual(p.wait(timeout=10), 0)
        # Deregistered before the wrapper exits: no waiting for a heartbeat.
        self.assertNotIn("svc-1", self.services())
        self.assertEqual(self.agent.dig("svc.service.consul").status, "NXDOMAIN")

    def test_every_catchable_signal_is_forwarded(self):
        out = self.path("signals")
        p = self.wrap("sig", *SIGNAL_CHILD, out)
        eventually(lambda: os.path.exists(out + ".ready"), message="the child to install its handlers")
        eventually(lambda: "sig" in self.services(), message="the registration")

        def received(name):
            return name in read(out).split()

        rt = signal.SIGRTMIN + 2
        for s in (signal.SIGHUP, signal.SIGUSR1, signal.SIGUSR2, signal.SIGQUIT, signal.SIGWINCH, signal.SIGALRM,
                  signal.SIGURG, signal.SIGCONT, signal.SIGVTALRM, signal.SIGPROF, signal.SIGIO, signal.SIGPWR, rt):
            name = "SIGRTMIN+2" if s == rt else signal.Signals(s).name
            p.send_signal(s)
            eventually(lambda: received(name), message=f"{name} to reach the child")
        # Job control: SIGTSTP reaches the child and stops the wrapper too; SIGCONT resumes both.
        p.send_signal(signal.SIGTSTP)
        eventually(lambda: received("SIGTSTP"), message="SIGTSTP to reach the child")
        eventually(lambda: proc_stat(p.pid)[0] == "T", message="the wrapper to stop itself")
        conts = read(out).split().count("SIGCONT")
        p.send_signal(signal.SIGCONT)
        eventually(lambda: read(out).split().count("SIGCONT") > conts, message="SIGCONT to be forwarded")
        self.assertNotEqual(proc_stat(p.pid)[0], "T")
        # SIGINT and SIGTERM stop it: marked critical first, then forwarded.
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=10), 7)
        self.assertIn("SIGTERM", read(out))
        self.assertNotIn("sig", self.services())

    def test_usage_errors_exit_2_without_starting_anything(self):
        marker = self.path("started")
        for args in (["name"], ["--ttl", "abc", "name", "--", "touch", marker], ["--", "touch", marker],
                     ["--check-tcp", "name", "--", "touch", marker], ["--on-exit", "x", "name", "--", "touch", marker],
                     ["--address", "lo", "name", "--", "touch", marker],
                     ["--consul-agent", self.agent.http_addr, "--address", "no-such-if0", "name", "--", "touch", marker]):
            r = subprocess.run([ROSTER, "wrap", *args], capture_output=True, text=True, timeout=10)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("usage", r.stderr.lower())
        self.assertFalse(os.path.exists(marker))
        self.assertNotIn("name", self.services())


class WrapAgentFailing(WrapCase):
    def test_child_starts_while_the_agent_is_down_and_registers_once_it_is_up(self):
        port = listen_port()
        started = self.path("started")
        p = self.wrap("late", "sh", "-c", f"touch {started}; exec sleep 60", agent=f"127.0.0.1:{port}")
        eventually(lambda: os.path.exists(started), message="the child to start without an agent")
        agent = Agent(node="late", http_port=port).start()
        self.addCleanup(agent.cleanup)
        eventually(lambda: "late" in agent.get_json("/v1/agent/services"), timeout=20,
                   message="the retried registration")
        p.terminate()
        self.assertEqual(p.wait(10), 128 + signal.SIGTERM)
        self.assertNotIn("late", agent.get_json("/v1/agent/services"))

    def test_an_agent_restart_that_loses_the_registration_is_repaired_at_once(self):
        port = listen_port()
        first = Agent(node="restart", http_port=port).start()
        self.addCleanup(first.cleanup)
        p = self.wrap("phoenix", "sleep", "60", agent=f"127.0.0.1:{port}",
                      options=["--heartbeat", "0.05", "-vvv"])
        eventually(lambda: (first.get_json("/v1/agent/checks").get("service:phoenix") or {}).get("Status") == "passing",
                   message="the first registration to pass")
        first.stop()
        # Several heartbeats fail while the agent is down: one warning, not one per heartbeat.
        eventually(lambda: self.stderr_of(p).count("check update not delivered") >= 5, timeout=20,
                   message="heartbeats against the stopped agent")
        second = Agent(node="restart", http_port=port).start()  # -dev: starts empty
        self.addCleanup(second.cleanup)
        eventually(lambda: (second.get_json("/v1/agent/checks").get("service:phoenix") or {}).get("Status") == "passing",
                   timeout=20, message="the re-registration after the restart")
        log = self.stderr_of(p)
        self.assertEqual(log.count("agent unreachable"), 1, log)
        self.assertEqual(log.count("agent answering again"), 1, log)
        self.assertIn("re-registering", log)
        self.assertEqual(p.poll(), None, "the child kept running throughout")
        p.terminate()
        self.assertEqual(p.wait(10), 128 + signal.SIGTERM)
        self.assertNotIn("phoenix", second.get_json("/v1/agent/services"))
        self.assertEqual(children(p.pid), [])


if __name__ == "__main__":
    unittest.main()

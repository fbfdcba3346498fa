"""`roster wrap` under Debian's supervisord, with a config derived from
examples/supervisord/roster-wrap.conf: registered while running, gone within
1 s of `supervisorctl stop` with the child gone too, back on `start`, and
registered again after a crash once supervisord restarts it."""
import configparser
import os
import shutil
import signal
import subprocess
import unittest

from harness import ROSTER, SOURCE_DIR, eventually
from wrap_support import WrapCase, alive, children, listen_port, read

EXAMPLE = os.path.join(SOURCE_DIR, "examples", "supervisord", "roster-wrap.conf")


@unittest.skipUnless(shutil.which("supervisord") and shutil.which("supervisorctl"), "needs Debian's supervisor")
class WrapUnderSupervisord(WrapCase):
    def setUp(self):
        super().setUp()
        self.port = listen_port()
        example = configparser.RawConfigParser()
        example.read(EXAMPLE)
        web = dict(example["program:web"])
        web["command"] = (web["command"]
                          .replace("/usr/local/bin/roster", ROSTER)
                          .replace("127.0.0.1:8500", self.agent.http_addr)
                          .replace("8080", str(self.port))
                          .replace("--drain 5", "--drain 0.2"))
        web["stdout_logfile"] = self.path("web.out.log")
        web["stderr_logfile"] = self.path("web.err.log")
        sock = self.path("supervisor.sock")
        conf = configparser.RawConfigParser()
        conf["unix_http_server"] = {"file": sock}
        conf["supervisord"] = {"logfile": self.path("supervisord.log"), "pidfile": self.path("supervisord.pid"),
                               "childlogdir": self.tmp, "nodaemon": "true", "user": "root"}
        conf["rpcinterface:supervisor"] = {
            "supervisor.rpcinterface_factory": "supervisor.rpcinterface:make_main_rpcinterface"}
        conf["supervisorctl"] = {"serverurl": f"unix://{sock}"}
        conf["program:web"] = web
        self.conf = self.path("supervisord.conf")
        with open(self.conf, "w") as f:
            conf.write(f)
        self.supervisord = subprocess.Popen(["supervisord", "-n", "-c", self.conf],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.addCleanup(self._stop_supervisord)

    def _stop_supervisord(self):
        if self.supervisord.poll() is None:
            self.supervisord.terminate()  # stops its programs first
            try:
                self.supervisord.wait(30)
            except subprocess.TimeoutExpired:
                self.supervisord.kill()
                self.supervisord.wait()

    def ctl(self, *args):
        return subprocess.run(["supervisorctl", "-c", self.conf, *args], capture_output=True, text=True, timeout=60)

    def wrapper_pid(self):
        r = self.ctl("pid", "web")
        return int(r.stdout) if r.stdout.strip().isdigit() and int(r.stdout) > 0 else None

    def running_and_passing(self):
        pid = self.wrapper_pid()
        return pid if pid and self.status("web") == "passing" else None

    def servers_on_port(self):
        """Processes still running the example's http.server on our port."""
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                cmd = read(f"/proc/{entry}/cmdline").split("\0")
                if "python3" in cmd[0] and "http.server" in cmd and str(self.port) in cmd:
                    found.append(int(entry))
        return found

    def test_stop_start_and_crash_under_supervisord(self):
        wrapper = eventually(self.running_and_passing, timeout=20, message="web to run and pass under supervisord")
        svc = self.services()["web"]
        self.assertEqual((svc["Port"], svc["Tags"], svc["Meta"]), (self.port, ["web"], {"version": "1.0"}))
        self.assertTrue(self.in_dns("web"))
        child = eventually(lambda: [pid for pid, _ in children(wrapper)], message="the wrapped server")[0]

        # supervisorctl stop: returns once the wrapper has exited; the service is gone within 1 s.
        r = self.ctl("stop", "web")
        self.assertIn("stopped", r.stdout)
        eventually(lambda: "web" not in self.services(), timeout=1.0, message="deregistration after stop")
        self.assertFalse(alive(child), "the child is gone")
        self.assertFalse(alive(wrapper))
        self.assertEqual(self.servers_on_port(), [], "no orphan left behind")
        self.assertFalse(self.in_dns("web"))

        # supervisorctl start: back.
        r = self.ctl("start", "web")
        self.assertIn("started", r.stdout)
        wrapper = eventually(self.running_and_passing, timeout=20, message="web back after start")
        child = eventually(lambda: [pid for pid, _ in children(wrapper)], message="the new server")[0]

        # The child crashes: the wrapper exits 137, supervisord restarts it, it registers again.
        os.kill(child, signal.SIGKILL)
        eventually(lambda: (self.wrapper_pid() or wrapper) != wrapper, timeout=20,
                   message="supervisord to restart the wrapper")
        restarted = eventually(self.running_and_passing, timeout=20, message="web registered again after the crash")
        self.assertNotEqual(restarted, wrapper)
        self.assertIn("exited: web (exit status 137; not expected)", read(self.path("supervisord.log")))
        self.assertEqual(len(self.servers_on_port()), 1)


if __name__ == "__main__":
    unittest.main()

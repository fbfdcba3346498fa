"""interface.md's walkthrough, step by step, with real dig, dnsmasq and the
real wrapper around a real listener (`nc -l PORT`)."""
import os
import shutil
import signal
import subprocess
import tempfile
import unittest

from harness import ROSTER, SOURCE_DIR, Agent, dig, eventually, free_port


class Walkthrough(unittest.TestCase):
    def setUp(self):
        self.agent = Agent(node="dimsdemo1").start()
        self.addCleanup(self.agent.cleanup)
        self.port = free_port()
        # roster wrap --port PORT netcat -- nc -l PORT
        self.wrapper = subprocess.Popen(
            [ROSTER, "wrap", "--consul-agent", self.agent.http_addr, "--port", str(self.port),
             "netcat", "--", "nc", "-l", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.addCleanup(self._stop_wrapper)

    def _stop_wrapper(self):
        if self.wrapper.poll() is None:
            self.wrapper.kill()
            self.wrapper.wait()
        self.wrapper.stderr.close()

    def _nc_pid(self):
        out = subprocess.run(["pgrep", "-P", str(self.wrapper.pid), "-x", "nc"], capture_output=True, text=True)
        pids = out.stdout.split()
        return int(pids[0]) if pids else None

    def test_walkthrough_holds_step_by_step(self):
        a = self.agent
        # dig netcat.service.consul -> A 127.0.0.1 (once the wrapper has passed its TTL check)
        r = eventually(lambda: (lambda r: r if r.status == "NOERROR" else None)(a.dig("netcat.service.consul")),
                       message="netcat.service.consul to resolve")
        self.assertEqual(r.rdata("A"), ["127.0.0.1"])
        self.assertIn("aa", r.flags)

        # SRV 1 1 PORT dimsdemo1.node.dc1.consul. + the target's A in ADDITIONAL
        r = a.dig("netcat.service.consul", "SRV")
        self.assertEqual(r.status, "NOERROR")
        self.assertEqual(r.rdata("SRV"), [f"1 1 {self.port} dimsdemo1.node.dc1.consul."])
        self.assertIn(("dimsdemo1.node.dc1.consul.", "A", "127.0.0.1"), r.records("ADDITIONAL"))

        # dimsdemo1.node.dc1.consul -> A 127.0.0.1
        r = a.dig("dimsdemo1.node.dc1.consul")
        self.assertEqual((r.status, r.rdata("A")), ("NOERROR", ["127.0.0.1"]))

        # dnsmasq with server=/consul/127.0.0.1#PORT answers the same names on its own port
        self._through_dnsmasq()

        # kill the child: the wrapper deregisters -> NXDOMAIN, and exits with nc's status
        nc = eventually(self._nc_pid, message="the nc child")
        os.kill(nc, signal.SIGTERM)
        code = self.wrapper.wait(timeout=10)
        self.assertEqual(code, 128 + signal.SIGTERM)
        r = a.dig("netcat.service.consul")
        self.assertEqual(r.status, "NXDOMAIN")
        self.assertTrue(r.records("AUTHORITY", "SOA"), r.text)

    def _through_dnsmasq(self):
        if not shutil.which("dnsmasq"):
            self.skipTest("dnsmasq is not installed")
        with open(os.path.join(SOURCE_DIR, "examples", "dnsmasq", "roster.conf")) as f:
            conf = f.read().replace("127.0.0.1#8600", f"127.0.0.1#{self.agent.dns_port}")
        tmp = tempfile.mkdtemp(prefix="roster-dnsmasq-")
        self.addCleanup(shutil.rmtree, tmp, True)
        conf_path = os.path.join(tmp, "roster.conf")
        with open(conf_path, "w") as f:
            f.write(conf)
        port = free_port(__import__("socket").SOCK_DGRAM)
        proc = subprocess.Popen(["dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts",
                                 "--conf-file=" + conf_path, f"--port={port}", "--listen-address=127.0.0.1",
                                 "--bind-interfaces", "--user=root", "--pid-file=", "--cache-size=0"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        def stop():
            proc.terminate()
            proc.wait(5)
            proc.stderr.close()
        self.addCleanup(stop)
        r = eventually(lambda: (lambda r: r if r.status == "NOERROR" else None)(dig(port, "netcat.service.consul")),
                       message="dnsmasq to forward netcat.service.consul")
        self.assertEqual(r.rdata("A"), ["127.0.0.1"])
        r = dig(port, "netcat.service.consul", "SRV")
        self.assertEqual(r.rdata("SRV"), [f"1 1 {self.port} dimsdemo1.node.dc1.consul."])
        r = dig(port, "dimsdemo1.node.dc1.consul")
        self.assertEqual(r.rdata("A"), ["127.0.0.1"])
        r = dig(port, "nosuch.service.consul")
        self.assertEqual(r.status, "NXDOMAIN")


if __name__ == "__main__":
    unittest.main()

"""`roster wrap` health: the TTL check passes only while the child lives and
its port is ready (and --check-http answers 2xx), against the real agent and
its DNS."""
import shutil
import socket
import subprocess
import unittest

from harness import eventually
from wrap_support import CHILD, WrapCase, listen_port


def first_non_loopback_interface():
    """(interface, IPv4) of an up interface other than lo, or None."""
    if not shutil.which("ip"):
        return None
    out = subprocess.run(["ip", "-o", "-4", "addr", "show", "up"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[1] != "lo" and not fields[3].startswith("127."):
            return fields[1], fields[3].split("/")[0]
    return None


class WrapHealth(WrapCase):
    def test_nc_serving_exactly_one_client_stays_up_passes_and_serves_it(self):
        # The seed's own example: roster wrap --port 9999 netcat -- nc -l 9999
        port = listen_port()
        p = self.wrap("netcat", "nc", "-l", str(port),
                      options=["--port", str(port), "--heartbeat", "0.05", "--check-interval", "0.05"])
        check = self.wait_status("netcat", "passing", output=f"port {port} is listening")
        self.assertIn("is running", check["Output"])
        eventually(lambda: self.in_dns("netcat"), message="netcat in DNS")
        # The checks ran (it passed) without using up nc's only connection: our client gets it.
        self.assertIsNone(p.poll())
        with socket.create_connection(("127.0.0.1", port), timeout=5) as c:
            c.sendall(b"hello nc\n")
        self.assertEqual(p.wait(timeout=10), 0)
        self.assertEqual(p.stdout.read(), "hello nc\n", "nc served our client")
        self.assertNotIn("netcat", self.services())

    def test_ready_only_while_listening(self):
        port = listen_port()
        opened, closed = self.path("open"), self.path("close")
        p = self.wrap("gated", *CHILD, "listen", str(port), opened, closed,
                      options=["--port", str(port), "--heartbeat", "0.05", "--check-interval", "0.05"])
        # Started, registered, but not listening: critical with the reason, and out of DNS.
        self.wait_status("gated", "critical", output=f"port {port} is not listening")
        self.assertFalse(self.in_dns("gated"))
        open(opened, "w").close()
        self.wait_status("gated", "passing", output=f"port {port} is listening")
        eventually(lambda: self.in_dns("gated"), message="gated in DNS once ready")
        # It stops listening but keeps running: critical again, out of DNS again.
        open(closed, "w").close()
        self.wait_status("gated", "critical", output=f"port {port} is not listening")
        eventually(lambda: not self.in_dns("gated"), message="gated out of DNS")
        self.assertIsNone(p.poll())
        p.terminate()
        self.assertEqual(p.wait(timeout=10), 0)
        self.assertNotIn("gated", self.services())

    def test_a_listener_outside_the_childs_tree_does_not_count(self):
        stranger = socket.socket()
        stranger.bind(("127.0.0.1", 0))
        stranger.listen()
        self.addCleanup(stranger.close)
        port = stranger.getsockname()[1]
        p = self.wrap("impostor", "sleep", "60", options=["--port", str(port), "--check-interval", "0.05"])
        self.wait_status("impostor", "critical", output="held by a process outside")
        # --check-tcp connects instead: the stranger answers, so it passes (documented trade-off).
        q = self.wrap("tcp", "sleep", "60", options=["--port", str(port), "--check-tcp", "--check-interval", "0.05"])
        self.wait_status("tcp", "passing", output=f"connect to 127.0.0.1:{port}: ok")
        stranger.close()
        self.wait_status("tcp", "critical", output="Connection refused")
        for proc in (p, q):
            proc.terminate()
            proc.wait(timeout=10)

    def test_check_tcp_follows_the_port(self):
        port = listen_port()
        opened, closed = self.path("open"), self.path("close")
        p = self.wrap("tcp", *CHILD, "listen", str(port), opened, closed,
                      options=["--port", str(port), "--check-tcp", "--check-interval", "0.05"])
        self.wait_status("tcp", "critical", output="Connection refused")
        open(opened, "w").close()
        self.wait_status("tcp", "passing", output="ok")
        open(closed, "w").close()
        self.wait_status("tcp", "critical", output="Connection refused")
        p.terminate()
        self.assertEqual(p.wait(timeout=10), 0)

    def test_check_http_2xx_passes_429_warns_anything_else_fails(self):
        port = listen_port()
        status_file = self.path("status")
        with open(status_file, "w") as f:
            f.write("503")
        url = f"http://127.0.0.1:{port}/health"
        p = self.wrap("web", *CHILD, "http", str(port), status_file,
                      options=["--port", str(port), "--check-http", url, "--check-interval", "0.05",
                               "--heartbeat", "0.05"])
        self.wait_status("web", "critical", output=f"GET {url}: HTTP 503")
        self.assertFalse(self.in_dns("web"))
        for code, status in (("429", "warning"), ("204", "passing"), ("500", "critical"), ("200", "passing")):
            with open(status_file, "w") as f:
                f.write(code)
            check = self.wait_status("web", status, output=f"HTTP {code}")
            self.assertIn(f"port {port} is listening", check["Output"])
        eventually(lambda: self.in_dns("web"), message="web in DNS")
        p.terminate()
        self.assertEqual(p.wait(timeout=10), 0)
        self.assertNotIn("web", self.services())

    def test_check_http_without_port_and_an_endpoint_that_is_down(self):
        port = listen_port()
        p = self.wrap("noport", "sleep", "60",
                      options=["--check-http", f"http://127.0.0.1:{port}/", "--check-interval", "0.05"])
        self.wait_status("noport", "critical", output="refused")
        p.terminate()
        p.wait(timeout=10)

    def test_without_port_liveness_alone_decides(self):
        p = self.wrap("alive", "sleep", "60", options=["--heartbeat", "0.05"])
        check = self.wait_status("alive", "passing")
        self.assertRegex(check["Output"], r"^pid \d+ is running$")
        p.terminate()
        p.wait(timeout=10)

    def test_address_and_meta_are_advertised(self):
        port = listen_port()
        p = self.wrap("addr", "nc", "-l", "127.0.0.1", str(port),
                      options=["--address", "127.0.0.1", "--port", str(port), "--meta", "version=1.2",
                               "--meta", "zone=a", "--check-interval", "0.05"])
        svc = eventually(lambda: self.services().get("addr"), message="the registration")
        self.assertEqual(svc["Address"], "127.0.0.1")
        self.assertEqual(svc["Meta"], {"version": "1.2", "zone": "a"})
        self.wait_status("addr", "passing")
        self.assertEqual(self.agent.dig("addr.service.consul").rdata("A"), ["127.0.0.1"])
        self.assertIn("advertising address 127.0.0.1 (given)", self.stderr_of(p))
        with socket.create_connection(("127.0.0.1", port)):
            pass
        self.assertEqual(p.wait(timeout=10), 0)

    def test_address_from_an_interface_and_a_listener_on_another_address(self):
        iface = first_non_loopback_interface()
        if not iface:
            self.skipTest("no non-loopback IPv4 interface")
        name, ip = iface
        port = listen_port()
        # Listening on 127.0.0.1 only, while advertising the interface's address: not ready.
        p = self.wrap("ifc", "nc", "-l", "127.0.0.1", str(port),
                      options=["--address", name, "--port", str(port), "--check-interval", "0.05"])
        svc = eventually(lambda: self.services().get("ifc"), message="the registration")
        self.assertEqual(svc["Address"], ip)
        self.assertIn(f"advertising address {ip} (interface {name})", self.stderr_of(p))
        self.wait_status("ifc", "critical", output="listening only on 127.0.0.1")
        p.terminate()
        p.wait(timeout=10)


if __name__ == "__main__":
    unittest.main()

"""HAProxy 2.6 filling a backend from the agent's SRV answers
(consul-compat.md §5.7, users.md §3.7), with examples/haproxy/roster.cfg.

The test runs HAProxy in the foreground with the example config, changing
only what must change on a test machine: the agent's DNS port, the stats
socket path, the frontend's port, and the service name. It reads the backend
through the stats socket (`show servers state`), as an operator would.

- With `accepted_payload_size 8192` (the example) every instance fills a
  server slot, with the address and port it registered; a deregistered
  instance leaves the backend (after the example's `hold obsolete 5s`).
- With 200 instances, more than 8192 bytes hold, the agent sets TC and
  HAProxy still fills every slot from the partial SRV list.
- With HAProxy's defaults (EDNS payload 512, `hold obsolete 0s`) the agent
  applies Consul's udp_answer_limit: exactly 3 slots are filled at any time,
  a shuffled 3 of the 10 instances, which rotate as HAProxy re-resolves.
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import unittest

from dns_support import deregister, register
from harness import SOURCE_DIR, Agent, eventually, free_port

INSTANCES = 10
SLOTS = 20  # server-template slots in the example


def instance(i):
    return f"127.0.2.{i + 1}", 8100 + i


class HAProxy(unittest.TestCase):
    def setUp(self):
        if not shutil.which("haproxy"):
            self.skipTest("haproxy is not installed")
        self.agent = Agent(node="lb").start()
        self.addCleanup(self.agent.cleanup)
        for i in range(INSTANCES):
            addr, port = instance(i)
            register(self.agent, "api", f"api{i}", port, address=addr)
        self.registered = {instance(i) for i in range(INSTANCES)}

    def start_haproxy(self, defaults=False):
        with open(os.path.join(SOURCE_DIR, "examples", "haproxy", "roster.cfg")) as f:
            cfg = f.read()
        tmp = tempfile.mkdtemp(prefix="roster-haproxy-")
        self.addCleanup(shutil.rmtree, tmp, True)
        self.sock = os.path.join(tmp, "stats.sock")
        subs = [("127.0.0.1:8600", f"127.0.0.1:{self.agent.dns_port}"),
                ("/run/haproxy/roster.sock", self.sock),
                ("bind 127.0.0.1:8080", f"bind 127.0.0.1:{free_port()}"),
                ("_web._tcp.service.consul", "_api._tcp.service.consul")]
        self.assertIn(f"server-template web {SLOTS} ", cfg)
        if defaults:
            # HAProxy's own defaults: no accepted_payload_size (512), hold obsolete 0s.
            subs += [("    accepted_payload_size 8192\n", ""), ("hold obsolete 5s", "hold obsolete 0s")]
        for old, new in subs:
            self.assertIn(old, cfg)
            cfg = cfg.replace(old, new)
        path = os.path.join(tmp, "haproxy.cfg")
        with open(path, "w") as f:
            f.write(cfg)
        check = subprocess.run(["haproxy", "-c", "-q", "-f", path], capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr)
        log_path = os.path.join(tmp, "haproxy.log")
        log = open(log_path, "wb")
        proc = subprocess.Popen(["haproxy", "-db", "-f", path], stdin=subprocess.DEVNULL,
                                              stdout=log, stderr=log)

        def stop():
            if proc.poll() is None:
                proc.terminate()
                proc.wait(5)
            log.close()
        self.addCleanup(stop)
        self.proc, self.log_path = proc, log_path
        eventually(lambda: self._alive() and os.path.exists(self.sock), 10, message="haproxy's stats socket")

    def _alive(self):
        if self.proc.poll() is not None:
            with open(self.log_path, errors="replace") as f:
                raise AssertionError(f"haproxy exited with {self.proc.returncode}:\n{f.read()}")
        return True

    def servers(self):
        """{(address, port)} of the filled slots of backend `web`."""
        self._alive()
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(5)
            s.connect(self.sock)
            s.sendall(b"show servers state web\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        lines = data.decode().splitlines()
        head = next(line for line in lines if line.startswith("# be_id"))
        cols = head[2:].split()
        filled = set()
        slots = 0
        for line in lines:
            if not re.match(r"^\d+ web ", line):
                continue
            row = dict(zip(cols, line.split()))
            slots += 1
            # An empty slot has no address and is in resolver maintenance (0x20).
            if row["srv_addr"] != "-" and not int(row["srv_admin_state"]) & 0x20:
                filled.add((row["srv_addr"], int(row["srv_port"])))
        self.assertEqual(slots, SLOTS)
        return filled

    def test_payload_8192_fills_every_instance_and_follows_deregistration(self):
        self.start_haproxy()
        got = eventually(lambda: (lambda s: s if s == self.registered else None)(self.servers()), 20,
                         message=f"haproxy to fill {INSTANCES} servers")
        self.assertEqual(got, self.registered)

        deregister(self.agent, "api3")
        gone = instance(3)
        got = eventually(lambda: (lambda s: s if gone not in s else None)(self.servers()), 30,
                         message="the deregistered instance to leave the backend")
        self.assertEqual(got, self.registered - {gone})

    def test_payload_8192_with_more_instances_than_fit_fills_every_slot(self):
        # 200 instances: more SRV records than 8192 bytes hold, so the agent
        # sets TC; HAProxy uses the partial list for SRV (consul-compat §5.7).
        for i in range(INSTANCES, 200):
            addr, port = f"127.0.3.{i % 250 + 1}", 9000 + i
            register(self.agent, "api", f"api{i}", port, address=addr)
            self.registered.add((addr, port))
        r = self.agent.dig("_api._tcp.service.consul", "SRV", "+bufsize=8192", "+ignore")
        self.assertIn("tc", r.flags, r.text)
        self.assertLess(len(r.rdata("SRV")), 200)
        self.start_haproxy()
        got = eventually(lambda: (lambda s: s if len(s) == SLOTS else None)(self.servers()), 20,
                         message=f"haproxy to fill all {SLOTS} slots")
        self.assertLessEqual(got, self.registered)

    def test_default_payload_fills_three_servers(self):
        self.start_haproxy(defaults=True)
        seen = []

        def rotated():
            s = self.servers()
            if s:
                # Every observation: exactly 3 registered instances, never more.
                self.assertEqual(len(s), 3, s)
                self.assertLessEqual(s, self.registered)
                if s not in seen:
                    seen.append(s)
            return len(seen) >= 2
        eventually(rotated, 30, interval=0.2, message="haproxy to fill 3 servers and rotate them")


if __name__ == "__main__":
    unittest.main()

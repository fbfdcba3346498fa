"""Agents in network namespaces joined by veth pairs on a bridge (tier C of
gossip.md §4.3): a blackhole route partitions one agent, which the others
then list as failed; deleting the routes heals the cluster.

Needs root and iproute2; skipped (with the reason) where namespaces cannot
be created. Addresses come from the benchmarking block 198.18.0.0/15, inside
namespaces this test creates and deletes.
"""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

from harness import ROSTER, eventually

ALIVE, FAILED = 1, 4


def ip(*args, check=True):
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=20)


def namespaces_available():
    if os.geteuid() != 0:
        return "needs root"
    if not shutil.which("ip"):
        return "needs iproute2 (ip)"
    name = f"rtprobe{os.getpid()}"
    r = ip("netns", "add", name, check=False)
    if r.returncode != 0:
        return "cannot create a network namespace: " + r.stderr.strip()
    ok = ip("-n", name, "link", "add", "br0", "type", "bridge", check=False).returncode == 0
    ip("netns", "del", name, check=False)
    return None if ok else "cannot create a bridge in a namespace"


SKIP = namespaces_available()


class NsAgent:
    """`roster agent` inside namespace `ns`, gossiping on `addr`:8301; HTTP
    on the namespace's loopback, reached with `ip netns exec`."""

    def __init__(self, ns, name, addr, workdir, extra=()):
        self.ns, self.name, self.addr = ns, name, addr
        self.ready_path = os.path.join(workdir, f"{name}.ready")
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.args = ["ip", "netns", "exec", ns, ROSTER, "agent", "-dev", "-node", name, "-bind", addr,
                     "-advertise", addr, "-serf-lan-port", "8301", "-http-port", "8500", "-dns-port", "8600",
                     "-gossip-profile", "local", "-ready-file", self.ready_path, *extra]
        self.proc = None

    def start(self):
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.args, stdout=self._log, stderr=subprocess.STDOUT)

        def ready():
            if self.proc.poll() is not None:
                raise AssertionError(f"agent {self.name} exited: {open(self.log_path).read()}")
            return os.path.exists(self.ready_path)

        eventually(ready, 15, 0.05, f"{self.name} ready")
        return self

    def members(self):
        r = subprocess.run(["ip", "netns", "exec", self.ns, "curl", "-s", "-m", "5",
                            "http://127.0.0.1:8500/v1/agent/members"], capture_output=True, text=True, timeout=20)
        try:
            return {m["Name"]: m["Status"] for m in json.loads(r.stdout)}
        except (ValueError, KeyError, TypeError):
            return {}

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if hasattr(self, "_log"):
            self._log.close()


@unittest.skipIf(SKIP, SKIP or "")
class Partition(unittest.TestCase):
    N = 3

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="roster-netns-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        tag = f"{os.getpid() % 100000}"
        self.hub = f"rthub{tag}"
        self.ns = [f"rt{tag}n{i}" for i in range(self.N)]
        self.addr = [f"198.18.0.{i + 1}" for i in range(self.N)]
        self.addCleanup(self.teardown_net)
        ip("netns", "add", self.hub)
        ip("-n", self.hub, "link", "add", "br0", "type", "bridge")
        ip("-n", self.hub, "link", "set", "br0", "up")
        for i, ns in enumerate(self.ns):
            ip("netns", "add", ns)
            ip("-n", ns, "link", "set", "lo", "up")
            ip("-n", self.hub, "link", "add", f"v{i}", "type", "veth", "peer", "name", "eth0", "netns", ns)
            ip("-n", self.hub, "link", "set", f"v{i}", "master", "br0", "up")
            ip("-n", ns, "addr", "add", f"{self.addr[i]}/24", "dev", "eth0")
            ip("-n", ns, "link", "set", "eth0", "up")
        self.agents = []

    def teardown_net(self):
        for a in getattr(self, "agents", []):
            a.stop()
        for ns in [*getattr(self, "ns", []), getattr(self, "hub", None)]:
            if ns:
                ip("netns", "del", ns, check=False)

    def start_cluster(self):
        first = NsAgent(self.ns[0], "n0", self.addr[0], self.tmp)
        self.agents.append(first.start())
        for i in range(1, self.N):
            a = NsAgent(self.ns[i], f"n{i}", self.addr[i], self.tmp, ["-join", f"{self.addr[0]}:8301"])
            self.agents.append(a.start())
        everyone = {f"n{i}": ALIVE for i in range(self.N)}
        for a in self.agents:
            eventually(lambda: a.members() == everyone, 20, 0.1, f"all alive on {a.name}")

    def blackhole(self, victim, add):
        verb = "add" if add else "del"
        for i in range(self.N):
            if i == victim:
                continue
            ip("-n", self.ns[victim], "route", verb, "blackhole", f"{self.addr[i]}/32")
            ip("-n", self.ns[i], "route", verb, "blackhole", f"{self.addr[victim]}/32")

    def test_a_partitioned_agent_is_failed_on_the_others_and_the_cluster_heals(self):
        self.start_cluster()
        self.blackhole(2, True)
        cut = {"n0": ALIVE, "n1": ALIVE, "n2": FAILED}
        for a in self.agents[:2]:
            eventually(lambda: a.members() == cut, 30, 0.1, f"n2 failed on {a.name}")
        # The cut-off agent sees the others failed, and keeps running.
        eventually(lambda: self.agents[2].members() == {"n0": FAILED, "n1": FAILED, "n2": ALIVE}, 30, 0.1,
                   "the others failed on n2")
        self.blackhole(2, False)
        everyone = {f"n{i}": ALIVE for i in range(self.N)}
        for a in self.agents:
            eventually(lambda: a.members() == everyone, 60, 0.2, f"healed on {a.name}")


if __name__ == "__main__":
    unittest.main()

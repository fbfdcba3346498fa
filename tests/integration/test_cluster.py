"""Clusters of real agents on loopback, joined by gossip (docs/cluster.md).

Every agent runs the `local` gossip profile (fast timers) on a free serf port.
Covers joining (-join, -retry-join before the seed exists, `roster join`,
HTTP join), replication into DNS, health and blocking queries on every
agent, kill -9 (failed, services gone), restart with the same name and a new
port, graceful leave (left, never failed), force-leave, duplicate names,
encryption and the keyring API; and an agent frozen 800 ms at a time is never
failed (on the `lan` profile: `local`'s 0.6 s suspicion minimum is shorter
than the freeze).
"""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

from harness import ROSTER, Agent, eventually, free_port

LOCAL = ["-gossip-profile", "local"]
ALIVE, LEAVING, LEFT, FAILED = 1, 2, 3, 4


def roster(*args):
    env = dict(os.environ)
    env.pop("CONSUL_HTTP_ADDR", None)
    return subprocess.run([ROSTER, *args], capture_output=True, text=True, timeout=60, env=env)


def members(agent):
    """{name: (status, port)} as `agent` sees the pool."""
    return {m["Name"]: (m["Status"], m["Port"]) for m in agent.get_json("/v1/agent/members")}


def statuses(agent):
    return {name: s for name, (s, _) in members(agent).items()}


def register(agent, body):
    status, _, text = agent.http("PUT", "/v1/agent/service/register", body)
    assert status == 200, (status, text)


def srv_targets(agent, name):
    return agent.dig(f"{name}.service.consul", "SRV").rdata("SRV")


def passing_nodes(agent, service):
    return sorted(e["Node"]["Node"] for e in agent.get_json(f"/v1/health/service/{service}?passing"))


class ClusterTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="roster-cluster-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def agent(self, name, *extra, start=True):
        a = Agent(node=name, extra=[*LOCAL, *extra])
        self.addCleanup(a.cleanup)
        return a.start() if start else a

    def seed_addr(self, agent):
        return f"127.0.0.1:{agent.serf_port}"

    def wait_statuses(self, agents, expected, timeout=20):
        for a in agents:
            eventually(lambda: statuses(a) == expected, timeout, 0.05,
                       f"{expected} on {a.ready['node']} (log: {a.log_path})")

    def service_file(self, name, port):
        path = os.path.join(self.tmp, f"{name}.json")
        with open(path, "w") as f:
            json.dump({"service": {"name": name, "port": port}}, f)
        return path


class Joining(ClusterTest):
    def test_five_agents_join_every_way_and_see_one_registry(self):
        a = self.agent("a")
        b = self.agent("b", "-join", self.seed_addr(a))
        c = self.agent("c", "-join", self.seed_addr(b))
        d = self.agent("d")
        e = self.agent("e")
        # `roster join` through d's HTTP API, and python-consul's GET join on e.
        r = roster("join", "-http-addr", d.http_addr, self.seed_addr(a))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Successfully joined cluster by contacting 1 nodes.", r.stdout)
        status, _, body = e.http("GET", f"/v1/agent/join/{self.seed_addr(c)}")
        self.assertEqual(status, 200, body)
        everyone = [a, b, c, d, e]
        self.wait_statuses(everyone, {n: ALIVE for n in "abcde"})

        # A registration on one agent is answered by every agent's DNS and health API.
        register(c, {"Name": "web", "Port": 8080})
        for x in everyone:
            eventually(lambda: srv_targets(x, "web") == ["1 1 8080 c.node.dc1.consul."], 10, 0.05,
                       f"web in the DNS of {x.ready['node']}")
            eventually(lambda: passing_nodes(x, "web") == ["c"], 10, 0.05, "web passing")
        # Each agent's own node stays healthy: its serfHealth passes everywhere.
        checks = {ch["CheckID"]: ch["Status"] for ch in a.get_json("/v1/health/node/c")}
        self.assertEqual(checks["serfHealth"], "passing")
        # The catalog lists every node on every agent.
        self.assertEqual(sorted(n["Node"] for n in e.get_json("/v1/catalog/nodes")), list("abcde"))

    def test_retry_join_waits_for_a_seed_that_does_not_exist_yet(self):
        port = free_port()
        b = self.agent("b", "-retry-join", f"127.0.0.1:{port}", "-retry-interval", "200ms")
        eventually(lambda: "retry-join failed; retrying" in b.log(), 10, 0.05, "a failed retry")
        self.assertIsNone(b.proc.poll())
        a = self.agent("a", "-serf-lan-port", str(port))
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE})
        eventually(lambda: "retry-join succeeded" in b.log(), 10, 0.05, "the success log line")

    def test_retry_max_gives_up_and_the_agent_exits_1(self):
        b = self.agent("b", "-retry-join", f"127.0.0.1:{free_port()}", "-retry-interval", "100ms",
                       "-retry-max", "2")
        eventually(lambda: b.proc.poll() is not None, 20, 0.05, "the agent to give up")
        self.assertEqual(b.proc.returncode, 1, b.log())
        self.assertIn("retry-join gave up", b.log())

    def test_join_that_nobody_answers_fails_the_start_and_bad_input_is_refused(self):
        lonely = self.agent("lonely", "-join", f"127.0.0.1:{free_port()}", start=False)
        with self.assertRaisesRegex(AssertionError, "exited with 1"):
            lonely.start()
        self.assertIn("Failed to join", lonely.log())

        a = self.agent("a")
        status, _, body = a.http("PUT", "/v1/agent/join/127.0.0.1:notaport")
        self.assertEqual(status, 500)
        self.assertIn(b"invalid port", body)
        status, _, body = a.http("PUT", f"/v1/agent/join/127.0.0.1:{free_port()}")
        self.assertEqual(status, 500)
        self.assertIn(b"could not join", body)
        self.assertEqual(a.http("PUT", "/v1/agent/join/")[0], 400)
        self.assertEqual(a.http("PUT", "/v1/agent/join/127.0.0.1?wan=1")[0], 500)
        r = roster("join", "-http-addr", a.http_addr, f"127.0.0.1:{free_port()}")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Error joining address", r.stderr)
        for flags in (["-gossip-profile", "wan"], ["-serf-lan-port", "99999"], ["-retry-interval", "x"]):
            r = roster("agent", "-dev", *flags)
            self.assertEqual(r.returncode, 2, flags)

    def test_members_http_shape_and_cli_table(self):
        a = self.agent("a")
        b = self.agent("b", "-join", self.seed_addr(a))
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE})
        m = {x["Name"]: x for x in a.get_json("/v1/agent/members")}["b"]
        self.assertEqual((m["Addr"], m["Port"], m["Status"]), ("127.0.0.1", b.serf_port, ALIVE))
        self.assertEqual((m["Tags"]["dc"], m["Tags"]["role"], m["Tags"]["vsn"]), ("dc1", "node", "2"))
        for k in ("ProtocolMin", "ProtocolMax", "ProtocolCur", "DelegateMin", "DelegateMax", "DelegateCur"):
            self.assertIsInstance(m[k], int)
        self.assertEqual(a.get_json("/v1/agent/members?wan=1"), [])
        serf = a.get_json("/v1/agent/self")["Stats"]["serf_lan"]
        self.assertEqual((serf["alive"], serf["failed"], serf["encrypted"]), ("2", "0", "false"))

        r = roster("members", "-http-addr", a.http_addr)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["Node", "Address", "Status", "Type", "Build", "Protocol", "DC",
                                            "Partition", "Segment"])
        self.assertEqual(lines[2].split()[:4], ["b", f"127.0.0.1:{b.serf_port}", "alive", "client"])
        r = roster("members", "-detailed", "-http-addr", a.http_addr)
        self.assertIn("role=node", r.stdout)
        r = roster("members", "-status", "failed", "-http-addr", a.http_addr)
        self.assertEqual(r.returncode, 2)  # as Consul: nothing matched


class Replication(ClusterTest):
    def test_a_blocking_query_on_one_agent_wakes_for_a_registration_on_another(self):
        a = self.agent("a")
        b = self.agent("b", "-join", self.seed_addr(a))
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE})
        _, headers, _ = b.http("GET", "/v1/health/service/api")
        index = int(headers["X-Consul-Index"])
        result = {}

        def block():
            url = f"http://{b.http_addr}/v1/health/service/api?index={index}&wait=60s"
            with urllib.request.urlopen(url, timeout=90) as r:
                result["index"] = int(r.headers["X-Consul-Index"])
                result["body"] = json.loads(r.read())

        t = threading.Thread(target=block)
        t.start()
        # The query is parked (it has not answered) until the remote change.
        t.join(0.3)
        self.assertTrue(t.is_alive(), result)
        register(a, {"Name": "api", "Port": 9000})
        t.join(30)
        self.assertFalse(t.is_alive(), "the blocking query did not wake")
        self.assertGreater(result["index"], index)
        self.assertEqual([e["Node"]["Node"] for e in result["body"]], ["a"])


class Failures(ClusterTest):
    def test_kill9_is_failed_everywhere_then_a_restart_on_a_new_port_takes_the_name_back(self):
        svc = self.service_file("db", 5432)
        a = self.agent("a")
        b = self.agent("b", "-join", self.seed_addr(a))
        c = self.agent("c", "-join", self.seed_addr(a), "-config-file", svc)
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE, "c": ALIVE})
        for x in (a, b):
            eventually(lambda: passing_nodes(x, "db") == ["c"], 10, 0.05, "db passing")
        old_port = c.serf_port
        c.proc.kill()  # SIGKILL: nothing is sent
        c.proc.wait()
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE, "c": FAILED})
        for x in (a, b):
            eventually(lambda: passing_nodes(x, "db") == [], 10, 0.05, "db gone from ?passing")
            eventually(lambda: x.dig("db.service.consul").status == "NXDOMAIN", 10, 0.05, "db gone from DNS")
            serf = {ch["CheckID"]: ch for ch in x.get_json("/v1/health/node/c")}["serfHealth"]
            self.assertEqual(serf["Status"], "critical")

        # Same name, new port (and boot): accepted, services back.
        c2 = self.agent("c", "-join", self.seed_addr(b), "-config-file", svc)
        self.assertNotEqual(c2.serf_port, old_port)
        self.wait_statuses([a, b, c2], {"a": ALIVE, "b": ALIVE, "c": ALIVE})
        eventually(lambda: members(a)["c"][1] == c2.serf_port, 10, 0.05, "the new port")
        for x in (a, b):
            eventually(lambda: passing_nodes(x, "db") == ["c"], 10, 0.05, "db back")
            eventually(lambda: x.dig("db.service.consul").rdata("A") == ["127.0.0.1"], 10, 0.05, "db back in DNS")

    def test_leave_is_left_everywhere_and_never_failed(self):
        a = self.agent("a")
        b = self.agent("b", "-join", self.seed_addr(a))
        c = self.agent("c", "-join", self.seed_addr(a))
        self.wait_statuses([a, b, c], {"a": ALIVE, "b": ALIVE, "c": ALIVE})
        register(c, {"Name": "cache", "Port": 6379})
        eventually(lambda: passing_nodes(a, "cache") == ["c"], 10, 0.05, "cache replicated")
        seen = set()
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                for x in (a, b):
                    seen.add(statuses(x).get("c"))
                stop.wait(0.01)

        t = threading.Thread(target=watch)
        t.start()
        try:
            r = roster("leave", "-http-addr", c.http_addr)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout, "Graceful leave complete\n")
            eventually(lambda: c.proc.poll() is not None, 10, 0.05, "the leaver to exit")
            self.assertEqual(c.proc.returncode, 0)
            self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE, "c": LEFT})
        finally:
            stop.set()
            t.join()
        self.assertNotIn(FAILED, seen)
        self.assertEqual(passing_nodes(a, "cache"), [])
        self.assertEqual(a.get_json("/v1/health/service/cache"), [])  # removed, not just critical

    def test_sigterm_is_a_graceful_leave_too(self):
        a = self.agent("a")
        b = self.agent("b", "-join", self.seed_addr(a))
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE})
        self.assertEqual(b.stop(signal.SIGTERM), 0)
        self.wait_statuses([a], {"a": ALIVE, "b": LEFT})

    def test_force_leave_and_prune(self):
        a = self.agent("a")
        b = self.agent("b", "-join", self.seed_addr(a))
        c = self.agent("c", "-join", self.seed_addr(a))
        d = self.agent("d", "-join", self.seed_addr(a))
        self.wait_statuses([a, b], {n: ALIVE for n in "abcd"})
        for x in (c, d):
            x.proc.kill()
            x.proc.wait()
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE, "c": FAILED, "d": FAILED})
        r = roster("force-leave", "-http-addr", a.http_addr, "c")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE, "c": LEFT, "d": FAILED})
        r = roster("force-leave", "-prune", "-http-addr", a.http_addr, "d")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("d", statuses(a))
        # As Consul's -prune: forgotten everywhere, not only on the agent asked,
        # and gone from every catalog.
        eventually(lambda: "d" not in statuses(b), 10, 0.05, "d pruned on b")
        eventually(lambda: b.http("GET", "/v1/catalog/node/d")[2].strip() == b"null", 10, 0.05, "d out of b's catalog")
        self.assertEqual(statuses(b), {"a": ALIVE, "b": ALIVE, "c": LEFT})
        # Bad input.
        self.assertEqual(a.http("PUT", "/v1/agent/force-leave/nobody")[0], 404)
        self.assertEqual(a.http("PUT", "/v1/agent/force-leave/b?prune=maybe")[0], 400)
        r = roster("force-leave", "-http-addr", a.http_addr, "nobody")
        self.assertEqual(r.returncode, 1)
        self.assertIn("Error force leaving", r.stderr)
        self.assertEqual(roster("force-leave", "-http-addr", a.http_addr).returncode, 2)

    def test_a_second_live_agent_with_the_same_name_is_refused(self):
        a = self.agent("a")
        b = self.agent("b", "-join", self.seed_addr(a))
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE})
        twin = self.agent("b", "-join", self.seed_addr(a), start=False)
        with self.assertRaisesRegex(AssertionError, "exited with 1"):
            twin.start(timeout=30)
        self.assertIn('node name \\"b\\" is', twin.log())
        self.assertIn("already used by a live member", twin.log())
        self.assertEqual(members(a)["b"], (ALIVE, b.serf_port))
        self.assertIsNone(b.proc.poll())


class Encryption(ClusterTest):
    def keygen(self):
        r = roster("keygen")
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def test_only_agents_with_the_key_join(self):
        key = self.keygen()
        a = self.agent("a", "-encrypt", key)
        b = self.agent("b", "-encrypt", key, "-join", self.seed_addr(a))
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE})
        register(b, {"Name": "secret", "Port": 1})
        eventually(lambda: passing_nodes(a, "secret") == ["b"], 10, 0.05, "replication over sealed gossip")
        self.assertEqual(a.get_json("/v1/agent/self")["Stats"]["serf_lan"]["encrypted"], "true")

        plain = self.agent("plain", "-join", self.seed_addr(a), start=False)
        with self.assertRaisesRegex(AssertionError, "exited with 1"):
            plain.start()
        self.assertIn("the peer encrypts gossip and this agent has no gossip encryption key", plain.log())

        wrong = self.agent("wrong", "-encrypt", self.keygen(), "-join", self.seed_addr(a), start=False)
        with self.assertRaisesRegex(AssertionError, "exited with 1"):
            wrong.start()
        self.assertIn("no gossip key in common with the peer", wrong.log())
        eventually(lambda: "no gossip key in common" in a.log(), 5, 0.05, "the seed's log")
        self.assertEqual(statuses(a), {"a": ALIVE, "b": ALIVE})

        bad = roster("agent", "-dev", "-encrypt", "not-a-key")
        self.assertEqual(bad.returncode, 1)
        self.assertIn("-encrypt", bad.stderr)

    def test_keyring_list_install_use_remove_over_http(self):
        old, new = self.keygen(), self.keygen()
        a = self.agent("a", "-encrypt", old)

        def keys():
            pools = a.get_json("/v1/operator/keyring")
            return pools[0]["Keys"], pools[0].get("PrimaryKeys", {})

        self.assertEqual(keys()[0], {old: 1})
        self.assertEqual(a.http("POST", "/v1/operator/keyring", {"Key": new})[0], 200)
        self.assertEqual(set(keys()[0]), {old, new})
        self.assertEqual(a.http("PUT", "/v1/operator/keyring", {"Key": new})[0], 200)
        self.assertEqual(keys()[1], {new: 1})
        self.assertEqual(a.http("DELETE", "/v1/operator/keyring", {"Key": old})[0], 200)
        self.assertEqual(keys()[0], {new: 1})
        # Removing the primary or an unknown key, or sending junk, fails.
        self.assertEqual(a.http("DELETE", "/v1/operator/keyring", {"Key": new})[0], 500)
        self.assertEqual(a.http("POST", "/v1/operator/keyring", {"Key": "junk"})[0], 400)
        # An agent joining with the new key gets in.
        b = self.agent("b", "-encrypt", new, "-join", self.seed_addr(a))
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE})


class Frozen(ClusterTest):
    """gossip.md issue 7: an agent frozen 800 ms at a time is suspected and
    refutes, but nobody ever lists anybody failed. `lan` profile (suspicion
    minimum 2 s at N=4): on `local` (0.6 s) an 800 ms freeze may rightly be
    fatal."""

    WINDOW = 30.0  # seconds the cluster runs with one agent frozen

    def lan_agent(self, name, *extra):
        a = Agent(node=name, extra=["-gossip-profile", "lan", *extra])
        self.addCleanup(a.cleanup)
        return a.start()

    def serf_stats(self, agent):
        return agent.get_json("/v1/agent/self")["Stats"]["serf_lan"]

    def check_never_failed(self, frozen_flags, freeze=None):
        a = self.lan_agent("a")
        b = self.lan_agent("b", "-join", self.seed_addr(a))
        c = self.lan_agent("c", "-join", self.seed_addr(a))
        d = self.lan_agent("d", "-join", self.seed_addr(b), *frozen_flags)
        everyone = [a, b, c, d]
        self.wait_statuses(everyone, {n: ALIVE for n in "abcd"})
        before = {x.ready["node"]: self.serf_stats(x) for x in everyone}
        seen = []  # (observer, member, status) of every non-alive listing
        errors = []
        end = time.monotonic() + self.WINDOW

        def watch(x):
            pause = threading.Event()
            try:
                while time.monotonic() < end:
                    for name, status in statuses(x).items():
                        if status != ALIVE:
                            seen.append((x.ready["node"], name, status))
                    pause.wait(0.05)
            except Exception as e:  # reported below: a silent watcher would see nothing
                errors.append((x.ready["node"], repr(e)))

        if freeze:
            freeze.start(d)
            self.addCleanup(freeze.stop)
        watchers = [threading.Thread(target=watch, args=(x,)) for x in everyone]
        for t in watchers:
            t.start()
        for t in watchers:
            t.join()
        if freeze:
            freeze.stop()
        logs = "\n".join(f"--- {x.ready['node']}:\n{x.log()[-3000:]}" for x in everyone)
        self.assertEqual(errors, [])
        self.assertEqual(seen, [], logs)
        after = {x.ready["node"]: self.serf_stats(x) for x in everyone}
        for name, st in after.items():
            self.assertEqual((name, st["failures_declared"], st["failed"]), (name, before[name]["failures_declared"], "0"),
                             logs)
        # The freeze did bite: d was suspected, and refuted.
        self.assertGreater(int(after["d"]["refutations"]), int(before["d"]["refutations"]), after["d"])
        # And d still serves: its registration reaches every agent, and it lists everyone alive.
        register(d, {"Name": "thawed", "Port": 7000})
        for x in everyone:
            eventually(lambda: passing_nodes(x, "thawed") == ["d"], 10, 0.05, f"thawed on {x.ready['node']}")
        self.assertEqual(statuses(d), {n: ALIVE for n in "abcd"})
        self.assertEqual(d.dig("d.node.consul").rdata("A"), ["127.0.0.1"])

    def test_gossip_thread_frozen_800ms_by_the_fault_hook_is_never_failed(self):
        # -gossip-fault-freeze-ms 800: the gossip thread sleeps 800 ms of every second.
        self.check_never_failed(["-gossip-fault-freeze-ms", "800"])

    def test_process_stopped_800ms_of_every_second_is_never_failed(self):
        self.check_never_failed([], SigstopCycle(0.8, 1.0))


class SigstopCycle:
    """SIGSTOPs a process for `frozen` seconds of every `period` (then SIGCONT)."""

    def __init__(self, frozen, period):
        self.frozen, self.period = frozen, period
        self.done = threading.Event()

    def start(self, agent):
        self.proc = agent.proc
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        t0 = time.monotonic()
        k = 0
        while not self.done.wait(max(0.0, t0 + k * self.period - time.monotonic())):
            self.proc.send_signal(signal.SIGSTOP)
            try:
                threading.Event().wait(max(0.0, t0 + k * self.period + self.frozen - time.monotonic()))
            finally:
                self.proc.send_signal(signal.SIGCONT)
            k += 1

    def stop(self):
        self.done.set()
        self.thread.join()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)


if __name__ == "__main__":
    unittest.main()

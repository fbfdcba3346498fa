"""Cluster-wide keyring operations (issue 7, Security): `roster keyring` and
/v1/operator/keyring on one agent list, install, use and remove keys on every
agent of the cluster, count them per node as Consul does, and report the
nodes that refused or did not answer. Real agents, sealed gossip."""
import unittest

from harness import eventually
from test_cluster import ALIVE, ClusterTest, roster


class ClusterKeyring(ClusterTest):
    def keygen(self):
        r = roster("keygen")
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def pool(self, agent):
        pools = agent.get_json("/v1/operator/keyring")
        self.assertEqual(len(pools), 1)
        return pools[0]

    def cli(self, agent, *args):
        return roster("keyring", "-http-addr", agent.http_addr, *args)

    def test_install_use_remove_reach_every_agent(self):
        old, new = self.keygen(), self.keygen()
        a = self.agent("a", "-encrypt", old)
        b = self.agent("b", "-encrypt", old, "-join", self.seed_addr(a))
        c = self.agent("c", "-encrypt", old, "-join", self.seed_addr(a))
        self.wait_statuses([a, b, c], {"a": ALIVE, "b": ALIVE, "c": ALIVE})
        p = self.pool(b)
        self.assertEqual((p["NumNodes"], p["Keys"], p["PrimaryKeys"]), (3, {old: 3}, {old: 3}))

        # Install through the CLI on a: every agent holds the new key.
        r = self.cli(a, "-install", new)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        p = self.pool(c)
        self.assertEqual((p["Keys"], p["PrimaryKeys"]), ({old: 3, new: 3}, {old: 3}))
        listing = self.cli(b, "-list")
        self.assertEqual(listing.returncode, 0, listing.stderr)
        self.assertIn(f"{new} [3/3]", listing.stdout)

        # Make it primary over HTTP on b, then remove the old key on c.
        self.assertEqual(b.http("PUT", "/v1/operator/keyring", {"Key": new})[0], 200)
        self.assertEqual(self.pool(a)["PrimaryKeys"], {new: 3})
        self.assertEqual(c.http("DELETE", "/v1/operator/keyring", {"Key": old})[0], 200)
        self.assertEqual(self.pool(a)["Keys"], {new: 3})

        # The cluster still gossips (sealed with the new key) ...
        status, _, text = c.http("PUT", "/v1/agent/service/register", {"Name": "after-rotation", "Port": 1})
        self.assertEqual(status, 200, text)
        eventually(lambda: [e["Node"]["Node"] for e in a.get_json("/v1/health/service/after-rotation")] == ["c"],
                   10, 0.05, "replication after the rotation")
        # ... and the old key no longer gets anyone in; the new one does.
        stale = self.agent("stale", "-encrypt", old, "-join", self.seed_addr(a), start=False)
        with self.assertRaisesRegex(AssertionError, "exited with 1"):
            stale.start()
        self.assertIn("no gossip key in common with the peer", stale.log())
        d = self.agent("d", "-encrypt", new, "-join", self.seed_addr(b))
        self.wait_statuses([a, d], {"a": ALIVE, "b": ALIVE, "c": ALIVE, "d": ALIVE})

    def test_a_refusal_is_reported_per_node_and_the_rest_applied(self):
        old, new = self.keygen(), self.keygen()
        a = self.agent("a", "-encrypt", old)
        b = self.agent("b", "-encrypt", old, "-join", self.seed_addr(a))
        self.wait_statuses([a, b], {"a": ALIVE, "b": ALIVE})
        self.assertEqual(a.http("POST", "/v1/operator/keyring", {"Key": new})[0], 200)
        # c joins later with the old key only: it never heard of `new`.
        c = self.agent("c", "-encrypt", old, "-join", self.seed_addr(a))
        self.wait_statuses([a, b, c], {"a": ALIVE, "b": ALIVE, "c": ALIVE})
        self.assertEqual(self.pool(b)["Keys"], {old: 3, new: 2})

        status, _, text = a.http("PUT", "/v1/operator/keyring", {"Key": new})
        self.assertEqual(status, 500, text)
        self.assertRegex(text.decode(), r"^1/3 nodes reported failure: c: key ID \d+ is not installed")
        self.assertEqual(self.pool(b)["PrimaryKeys"], {new: 2, old: 1})
        # Installing again reaches c too (idempotent elsewhere); then all agree.
        self.assertEqual(b.http("POST", "/v1/operator/keyring", {"Key": new})[0], 200)
        self.assertEqual(c.http("PUT", "/v1/operator/keyring", {"Key": new})[0], 200)
        p = self.pool(c)
        self.assertEqual((p["Keys"], p["PrimaryKeys"]), ({old: 3, new: 3}, {new: 3}))
        # Bad input still fails before anything is sent.
        self.assertEqual(a.http("POST", "/v1/operator/keyring", {"Key": "junk"})[0], 400)
        self.assertEqual(a.http("DELETE", "/v1/operator/keyring", {"Key": new})[0], 500)  # the primary


if __name__ == "__main__":
    unittest.main()

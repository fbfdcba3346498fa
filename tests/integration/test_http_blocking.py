"""Blocking queries, per-resource indexes, index persistence across restarts,
the per-client connection limit, and Prometheus consul_sd's exact request
sequence, against the real agent."""
import http.client
import json
import resource
import select
import shutil
import socket
import tempfile
import time
import unittest

from harness import Agent, eventually


def connect(agent, source="127.0.0.1", timeout=60, cleanup=None):
    conn = http.client.HTTPConnection("127.0.0.1", agent.http_port, timeout=timeout, source_address=(source, 0))
    conn.connect()
    if cleanup:
        cleanup(conn.close)
    return conn


def call(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers or {})
    r = conn.getresponse()
    return r.status, {k: v for k, v in r.getheaders()}, r.read()


def index_of(agent, path):
    _, headers, _ = agent.http("GET", path)
    return int(headers["X-Consul-Index"])


def register(agent, body):
    status, _, text = agent.http("PUT", "/v1/agent/service/register", body)
    assert status == 200, (status, text)


class BlockingQueries(unittest.TestCase):
    def setUp(self):
        self.agent = Agent(node="blocknode").start()
        self.addCleanup(self.agent.cleanup)

    def test_index_returns_after_a_change(self):
        register(self.agent, {"Name": "web", "Port": 1})
        i = index_of(self.agent, "/v1/health/service/web")
        conn = connect(self.agent, cleanup=self.addCleanup)
        conn.request("GET", f"/v1/health/service/web?index={i}&wait=60s")
        register(self.agent, {"Name": "web", "Port": 2})
        r = conn.getresponse()
        body = json.loads(r.read())
        self.assertEqual(r.status, 200)
        self.assertGreater(int(r.getheader("X-Consul-Index")), i)
        self.assertEqual(body[0]["Service"]["Port"], 2)

    def test_a_change_to_another_service_does_not_answer_before_the_wait(self):
        register(self.agent, {"Name": "a", "Check": {"TTL": "60s"}})
        register(self.agent, {"Name": "b"})
        i = index_of(self.agent, "/v1/health/service/b")
        conn = connect(self.agent, cleanup=self.addCleanup)
        started = time.monotonic()
        conn.request("GET", f"/v1/health/service/b?index={i}&wait=2s")
        for port in range(3, 8):  # several changes to `a`, each answered before the next
            register(self.agent, {"Name": "a", "Port": port, "Check": {"TTL": "60s"}})
            self.agent.http("PUT", "/v1/agent/check/pass/service:a?note=" + str(port))
        readable, _, _ = select.select([conn.sock], [], [], 0)
        self.assertEqual(readable, [], "the watcher of b was answered by changes to a")
        r = conn.getresponse()
        r.read()
        self.assertEqual(int(r.getheader("X-Consul-Index")), i)  # timed out: nothing new for b
        self.assertGreaterEqual(time.monotonic() - started, 2.0)

    def test_catalog_services_blocks_until_a_service_is_added(self):
        i = index_of(self.agent, "/v1/catalog/services")
        conn = connect(self.agent, cleanup=self.addCleanup)
        conn.request("GET", f"/v1/catalog/services?index={i}&wait=60s")
        register(self.agent, {"Name": "new"})
        r = conn.getresponse()
        self.assertIn("new", json.loads(r.read()))
        self.assertGreater(int(r.getheader("X-Consul-Index")), i)


class IndexAcrossRestarts(unittest.TestCase):
    def test_the_index_never_goes_backwards_with_a_data_dir(self):
        data = tempfile.mkdtemp(prefix="roster-data-")
        self.addCleanup(shutil.rmtree, data, True)
        first = Agent(node="persist", extra=["-data-dir", data]).start()
        try:
            for n in range(5):
                register(first, {"Name": f"s{n}"})
            before = index_of(first, "/v1/catalog/services")
        finally:
            first.cleanup()
        second = Agent(node="persist", extra=["-data-dir", data]).start()
        self.addCleanup(second.cleanup)
        # The services are gone (not persisted yet), but every index is higher than any seen before.
        for path in ["/v1/catalog/services", "/v1/health/service/s1", "/v1/catalog/nodes", "/v1/agent/self"]:
            self.assertGreater(index_of(second, path), before, path)

    def test_dev_mode_seeds_from_the_wall_clock(self):
        first = Agent(node="devnode").start()
        try:
            register(first, {"Name": "web"})
            before = index_of(first, "/v1/health/service/web")
        finally:
            first.cleanup()
        second = Agent(node="devnode").start()
        self.addCleanup(second.cleanup)
        self.assertGreater(index_of(second, "/v1/health/service/web"), before)


class ConnectionLimits(unittest.TestCase):
    def setUp(self):
        self.agent = Agent(node="limitnode", config={"limits": {"http_max_conns_per_client": 3}}).start()
        self.addCleanup(self.agent.cleanup)

    def test_a_client_over_the_limit_gets_429_and_other_clients_are_served(self):
        held = [connect(self.agent, cleanup=self.addCleanup) for _ in range(3)]
        for conn in held:
            self.assertEqual(call(conn, "GET", "/v1/status/leader")[0], 200)
        status, _, body = call(connect(self.agent, cleanup=self.addCleanup), "GET", "/v1/status/leader")
        self.assertEqual(status, 429)
        self.assertIn(b"too many concurrent connections", body)
        self.assertIn(b"http_max_conns_per_client", body)
        # Another source address is another client.
        self.assertEqual(call(connect(self.agent, source="127.0.0.2", cleanup=self.addCleanup), "GET", "/v1/status/leader")[0], 200)
        held[0].close()
        eventually(lambda: call(connect(self.agent, cleanup=self.addCleanup), "GET", "/v1/status/leader")[0] == 200,
                   message="a slot to free up")


class ManyConnections(unittest.TestCase):
    def test_thousands_of_idle_connections_do_not_stop_the_agent_answering(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft < 4096:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))
        agent = Agent(node="manynode").start()
        self.addCleanup(agent.cleanup)
        register(agent, {"Name": "web"})
        i = index_of(agent, "/v1/health/service/web")
        sockets = []
        self.addCleanup(lambda: [s.close() for s in sockets])
        for n in range(2000):  # 10 source addresses x 200 (the default per-client limit)
            s = socket.create_connection(("127.0.0.1", agent.http_port), source_address=(f"127.0.0.{2 + n % 10}", 0))
            if n % 2:  # half idle, half parked in blocking queries
                s.sendall(f"GET /v1/health/service/web?index={i}&wait=60s HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            sockets.append(s)
        status, _, _ = agent.http("GET", "/v1/status/leader")
        self.assertEqual(status, 200)
        register(agent, {"Name": "web", "Port": 9})  # wakes the 1000 watchers
        woken = sockets[1]
        woken.settimeout(30)
        self.assertIn(b"200 OK", woken.recv(200))


class ConsulSdReplay(unittest.TestCase):
    """Prometheus 2.42's consul_sd (Go api client v1.18) request by request (consul-compat §5.3)."""
    HEADERS = {"X-Consul-Token": "prom-token", "User-Agent": "Go-http-client/1.1", "Accept-Encoding": "gzip"}

    def setUp(self):
        self.agent = Agent(node="promnode").start()
        self.addCleanup(self.agent.cleanup)

    def get(self, conn, path):
        status, headers, body = call(conn, "GET", path, headers=self.HEADERS)
        self.assertEqual(status, 200, body)
        for h in ["X-Consul-Index", "X-Consul-KnownLeader", "X-Consul-LastContact"]:
            self.assertIn(h, headers)  # the Go client fails its parseQueryMeta without them
        self.assertGreaterEqual(int(headers["X-Consul-Index"]), 1)
        return int(headers["X-Consul-Index"]), json.loads(body)

    def test_the_watch_loop_sees_new_services_and_health_changes(self):
        register(self.agent, {"Name": "web", "ID": "web1", "Port": 8080, "Tags": ["a"],
                              "Check": {"TTL": "60s"}})
        conn = connect(self.agent, timeout=150, cleanup=self.addCleanup)
        _, self_info = self.get(conn, "/v1/agent/self")
        self.assertIsInstance(self_info["Config"]["Datacenter"], str)

        # First catalog call: WaitIndex 0 omits index, keeps wait and stale=.
        services_index, services = self.get(conn, "/v1/catalog/services?stale=&wait=120000ms")
        self.assertEqual(services, {"web": ["a"]})
        health_conn = connect(self.agent, timeout=150, cleanup=self.addCleanup)
        web_index, entries = self.get(health_conn, "/v1/health/service/web?stale=&wait=120000ms")
        self.assertEqual(entries[0]["Checks"][-1]["Status"], "critical")

        # Blocking catalog watch: a new service answers it.
        conn.request("GET", f"/v1/catalog/services?index={services_index}&stale=&wait=120000ms", headers=self.HEADERS)
        register(self.agent, {"Name": "api", "Port": 9000})
        r = conn.getresponse()
        self.assertGreater(int(r.getheader("X-Consul-Index")), services_index)
        self.assertEqual(set(json.loads(r.read())), {"web", "api"})

        # Blocking health watch on web: a pass answers it (and `api` did not).
        health_conn.request("GET", f"/v1/health/service/web?index={web_index}&stale=&wait=120000ms",
                            headers=self.HEADERS)
        self.agent.http("PUT", "/v1/agent/check/pass/service:web1")
        r = health_conn.getresponse()
        self.assertGreater(int(r.getheader("X-Consul-Index")), web_index)
        entries = json.loads(r.read())
        self.assertEqual([c["Status"] for c in entries[0]["Checks"]], ["passing", "passing"])
        self.assertEqual((entries[0]["Service"]["Address"], entries[0]["Node"]["Address"],
                          entries[0]["Service"]["Port"]), ("", "127.0.0.1", 8080))


if __name__ == "__main__":
    unittest.main()

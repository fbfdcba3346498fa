"""Bad HTTP input gets a clear 4xx and changes nothing; the agent keeps serving."""
import json
import socket
import unittest

from harness import Agent


class HttpErrors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.agent = Agent(node="errnode").start()

    @classmethod
    def tearDownClass(cls):
        cls.agent.cleanup()

    def assert_one_line(self, status, body, expected_status, contains):
        self.assertEqual(status, expected_status, body)
        text = body.decode()
        self.assertIn(contains, text)
        self.assertEqual(text.strip().count("\n"), 0, "error bodies are one line")

    def test_malformed_json_is_400(self):
        s, _, b = self.agent.http("PUT", "/v1/agent/service/register", b'{"Name": "x",')
        self.assert_one_line(s, b, 400, "Request decode failed")

    def test_empty_body_is_400_eof(self):
        s, _, b = self.agent.http("PUT", "/v1/agent/service/register", b"")
        self.assert_one_line(s, b, 400, "Request decode failed: EOF")

    def test_missing_name_is_400(self):
        s, _, b = self.agent.http("PUT", "/v1/agent/service/register", {"Port": 80})
        self.assert_one_line(s, b, 400, "Missing service name")

    def test_wrong_types_name_the_field(self):
        s, _, b = self.agent.http("PUT", "/v1/agent/service/register", {"Name": "x", "Port": "80"})
        self.assert_one_line(s, b, 400, '"Port"')
        s, _, b = self.agent.http("PUT", "/v1/agent/service/register", {"Name": "x", "Check": {"TTL": "ten"}})
        self.assert_one_line(s, b, 400, '"Check.TTL"')

    def test_unknown_path_is_404(self):
        s, _, b = self.agent.http("GET", "/v1/nope")
        self.assert_one_line(s, b, 404, "Invalid URL path")

    def test_wrong_method_is_405_with_allow(self):
        s, h, b = self.agent.http("DELETE", "/v1/agent/service/register")
        self.assert_one_line(s, b, 405, "method DELETE not allowed")
        self.assertIn("PUT", h.get("Allow", ""))

    def test_body_over_one_mib_is_413(self):
        s, _, b = self.agent.http("PUT", "/v1/agent/service/register", b"x" * (1024 * 1024 + 10))
        self.assertEqual(s, 413, b)

    def test_unknown_ids(self):
        s, _, b = self.agent.http("PUT", "/v1/agent/service/deregister/nope")
        self.assert_one_line(s, b, 404, 'Unknown service ID "nope"')
        s, _, b = self.agent.http("PUT", "/v1/agent/check/pass/nope")
        self.assert_one_line(s, b, 500, 'CheckID "nope" does not have associated TTL')

    def test_other_datacenter_is_500(self):
        s, _, b = self.agent.http("GET", "/v1/catalog/services?dc=elsewhere")
        self.assert_one_line(s, b, 500, "No path to datacenter")

    def test_rejected_requests_change_nothing(self):
        before = self.agent.get_json("/v1/agent/services")
        s, _, b = self.agent.http("PUT", "/v1/agent/service/register", {"Name": "bad", "Address": "0.0.0.0"})
        self.assertEqual((s, b.decode().rstrip("\n")), (400, "Invalid service address"))
        s, _, b = self.agent.http("PUT", "/v1/agent/service/register", {"Name": "bad", "Meta": {"consul-x": "1"}})
        self.assertEqual((s, b.decode().rstrip("\n")),
                         (400, "Invalid Service Meta: Key prefix 'consul-' is reserved for internal use"))
        self.assertEqual(self.agent.get_json("/v1/agent/services"), before)

    def test_garbage_on_the_socket_does_not_stop_the_agent(self):
        with socket.create_connection(("127.0.0.1", self.agent.http_port), timeout=5) as s:
            s.sendall(b"\x00\xff garbage \r\n\r\n")
            s.recv(100)
        s, h, b = self.agent.http("GET", "/v1/status/leader")
        self.assertEqual(s, 200)

    def test_every_read_carries_the_consul_meta_headers(self):
        for path in ["/v1/catalog/services", "/v1/health/service/none", "/v1/agent/services", "/v1/nope"]:
            _, h, _ = self.agent.http("GET", path)
            self.assertGreaterEqual(int(h["X-Consul-Index"]), 1, path)
            self.assertEqual(h["X-Consul-KnownLeader"], "true", path)
            self.assertEqual(h["X-Consul-LastContact"], "0", path)

    def test_keys_match_case_insensitively(self):
        body = {"name": "lower", "id": "lower1", "port": 7, "tags": ["a"], "check": {"ttl": "30s", "status": "passing"}}
        s, _, b = self.agent.http("PUT", "/v1/agent/service/register", body)
        self.assertEqual(s, 200, b)
        entry = self.agent.get_json("/v1/health/service/lower?passing")[0]
        self.assertEqual((entry["Service"]["ID"], entry["Service"]["Port"]), ("lower1", 7))
        self.agent.http("PUT", "/v1/agent/service/deregister/lower1")


if __name__ == "__main__":
    unittest.main()

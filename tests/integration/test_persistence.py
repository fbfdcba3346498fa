"""Persistent agent state (-data-dir outside -dev, consul-compat §4.1): API
registrations survive restarts and kill -9, with their TTL state; config wins."""
import http.client
import json
import os
import shutil
import signal
import tempfile
import threading
import time
import unittest

from harness import Agent, eventually


def put(port, path, body=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("PUT", path, body=None if body is None else json.dumps(body))
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


class Persistence(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="roster-persist-")
        self.data = os.path.join(self.tmp, "data")
        self.agents = []
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def agent(self, extra=()):
        a = Agent(dev=False, extra=["-data-dir", self.data, *extra]).start()
        self.agents.append(a)
        self.addCleanup(a.cleanup)
        return a

    def kill9(self, a):
        a.proc.send_signal(signal.SIGKILL)
        a.proc.wait()

    def test_registration_and_ttl_status_survive_a_restart(self):
        a = self.agent()
        self.assertEqual(a.http("PUT", "/v1/agent/service/register",
                                {"Name": "web", "ID": "web1", "Port": 8080, "Tags": ["v1"],
                                 "Check": {"TTL": "60s"}})[0], 200)
        self.assertEqual(a.http("PUT", "/v1/agent/check/warn/service:web1?note=slow")[0], 200)
        self.assertEqual(a.http("PUT", "/v1/agent/check/register", {"Name": "mem", "TTL": "1s"})[0], 200)
        self.assertEqual(a.http("PUT", "/v1/agent/check/pass/mem")[0], 200)
        mem_expires = time.time() + 1.0  # mem's 1 s TTL, armed by that pass
        self.assertEqual(a.http("PUT", "/v1/agent/service/maintenance/web1?enable=true&reason=deploy")[0], 200)
        self.assertEqual(a.stop(), 0)
        # mem's TTL must run out while the agent is down: wait for that moment.
        eventually(lambda: time.time() > mem_expires + 0.05, timeout=5, message="mem's TTL to run out")

        b = self.agent()
        services = b.get_json("/v1/agent/services")
        self.assertEqual((services["web1"]["Service"], services["web1"]["Port"], services["web1"]["Tags"]),
                         ("web", 8080, ["v1"]))
        checks = b.get_json("/v1/agent/checks")
        self.assertEqual((checks["service:web1"]["Status"], checks["service:web1"]["Output"]), ("warning", "slow"))
        self.assertEqual(checks["mem"]["Status"], "critical")  # expired while down
        self.assertEqual(checks["_service_maintenance:web1"]["Notes"], "deploy")

    def test_deregistration_is_persisted(self):
        a = self.agent()
        for sid in ("a", "b"):
            self.assertEqual(a.http("PUT", "/v1/agent/service/register", {"Name": "x", "ID": sid})[0], 200)
        self.assertEqual(a.http("PUT", "/v1/agent/service/deregister/a")[0], 200)
        self.kill9(a)
        self.assertEqual(sorted(self.agent().get_json("/v1/agent/services")), ["b"])

    def test_config_file_service_wins_over_the_persisted_one(self):
        a = self.agent()
        self.assertEqual(a.http("PUT", "/v1/agent/service/register",
                                {"Name": "from-api", "ID": "web1", "Port": 1})[0], 200)
        self.assertEqual(a.http("PUT", "/v1/agent/service/register", {"Name": "other", "ID": "o1"})[0], 200)
        self.assertEqual(a.stop(), 0)
        config = os.path.join(self.tmp, "web.json")
        with open(config, "w") as f:
            json.dump({"service": {"name": "from-config", "id": "web1", "port": 2}}, f)
        b = self.agent(["-config-file", config])
        services = b.get_json("/v1/agent/services")
        self.assertEqual((services["web1"]["Service"], services["web1"]["Port"]), ("from-config", 2))
        self.assertIn("o1", services)
        self.assertEqual(b.stop(), 0)
        # Without the config file the API copy does not come back: it was purged.
        self.assertEqual(sorted(self.agent().get_json("/v1/agent/services")), ["o1"])

    def test_kill_9_right_after_acknowledgement_loses_nothing(self):
        """200 rounds: start, check every acknowledged write of earlier rounds,
        fire concurrent writes, SIGKILL as soon as the first is acknowledged."""
        acknowledged = {}  # service ID -> port, of every acknowledged registration still expected
        removed = set()    # acknowledged deregistrations
        deadline = time.monotonic() + 240
        rounds = 0
        while rounds < 200 and time.monotonic() < deadline:
            a = Agent(dev=False, extra=["-data-dir", self.data]).start()
            try:
                services = a.get_json("/v1/agent/services")
                for sid, port in acknowledged.items():
                    self.assertIn(sid, services, f"round {rounds}: acknowledged {sid} lost")
                    self.assertEqual(services[sid]["Port"], port, f"round {rounds}: {sid} half-written")
                for sid in removed:
                    self.assertNotIn(sid, services, f"round {rounds}: deregistered {sid} came back")
                for sid, svc in services.items():  # anything present is whole
                    self.assertEqual(svc["Service"], "crash", sid)
                    self.assertEqual(svc["Port"], int(sid.split("-")[1]) + 1000, sid)

                first = threading.Event()
                lock = threading.Lock()
                def write(i, rounds=rounds, port=a.http_port):
                    sid = f"r{rounds}i{i}-{rounds * 10 + i}"
                    try:
                        if i == 3 and acknowledged:
                            # Unacknowledged, it may or may not have happened: expect nothing of it.
                            with lock:
                                victim = sorted(acknowledged)[rounds % len(acknowledged)]
                                acknowledged.pop(victim)
                            status, _ = put(port, f"/v1/agent/service/deregister/{victim}")
                            if status == 200:
                                with lock:
                                    removed.add(victim)
                        else:
                            status, _ = put(port, "/v1/agent/service/register",
                                            {"Name": "crash", "ID": sid, "Port": rounds * 10 + i + 1000,
                                             "Check": {"TTL": "60s"}})
                            if status == 200:
                                with lock:
                                    acknowledged[sid] = rounds * 10 + i + 1000
                    except (OSError, http.client.HTTPException):
                        pass  # killed mid-request: not acknowledged
                    first.set()
                threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
                for t in threads:
                    t.start()
                first.wait(10)
                self.kill9(a)
                for t in threads:
                    t.join()
            finally:
                a.cleanup()
            rounds += 1
        self.assertEqual(rounds, 200, "too slow to run all 200 rounds")
        self.assertTrue(acknowledged)
        final = Agent(dev=False, extra=["-data-dir", self.data]).start()
        self.addCleanup(final.cleanup)
        services = final.get_json("/v1/agent/services")
        for sid, port in acknowledged.items():
            self.assertEqual(services[sid]["Port"], port)


if __name__ == "__main__":
    unittest.main()

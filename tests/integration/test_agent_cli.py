"""The `roster` binary's command line, start-up and shutdown."""
import os
import signal
import socket
import subprocess
import time
import unittest

from harness import ROSTER, SOURCE_DIR, Agent


def run(*args, timeout=10):
    return subprocess.run([ROSTER, *args], capture_output=True, text=True, timeout=timeout)


class Cli(unittest.TestCase):
    def test_version(self):
        r = run("version")
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("Roster v"), r.stdout)

    def test_cluster_subcommands_without_arguments_exit_2_with_usage(self):
        for cmd in ["join", "force-leave"]:
            r = run(cmd)
            self.assertEqual(r.returncode, 2, cmd)
            self.assertIn("Usage: roster " + cmd, r.stderr)

    def test_unknown_command_and_flag_exit_2_with_usage(self):
        self.assertEqual(run("frobnicate").returncode, 2)
        r = run("agent", "-dev", "-no-such-flag")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no-such-flag", r.stderr)
        self.assertIn("Usage: roster agent", r.stderr)

    def test_agent_without_dev_needs_a_data_dir(self):
        r = run("agent", "-http-port", "0", "-dns-port", "0")
        self.assertEqual(r.returncode, 2)
        self.assertIn("data_dir", r.stderr)

    def test_flags_in_every_consul_spelling(self):
        agent = Agent(node=None, extra=["--datacenter=east", "-domain", "roster", "--node", "spelled"])
        agent.start()
        try:
            self.assertEqual(agent.ready["node"], "spelled")
            self_info = agent.get_json("/v1/agent/self")
            self.assertEqual(self_info["Config"]["Datacenter"], "east")
            r = agent.dig("spelled.node.east.roster")
            self.assertEqual((r.status, r.rdata("A")), ("NOERROR", ["127.0.0.1"]))
        finally:
            agent.cleanup()

    def test_config_file_services_are_loaded(self):
        agent = Agent(extra=["-config-dir", os.path.join(SOURCE_DIR, "examples", "demo")]).start()
        try:
            self.assertEqual(agent.dig("web.service.consul").rdata("A"), ["127.0.0.1"])
            r = agent.dig("db.service.consul", "SRV")
            self.assertEqual(r.rdata("SRV"), ["1 1 5432 7f000002.addr.dc1.consul.",
                                              "1 1 5432 7f000003.addr.dc1.consul."])
            self.assertEqual(agent.dig("primary.db.service.consul").rdata("A"), ["127.0.0.2"])
        finally:
            agent.cleanup()

    def test_a_taken_port_is_a_clear_start_up_error(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen()
            port = s.getsockname()[1]
            r = run("agent", "-dev", "-http-port", str(port), "-dns-port", "0")
            self.assertEqual(r.returncode, 1)
            self.assertIn("cannot listen for HTTP", r.stderr)


class Shutdown(unittest.TestCase):
    def test_sigterm_and_sigint_stop_the_agent_within_a_second(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            agent = Agent().start()
            try:
                agent.proc.send_signal(sig)
                agent.proc.wait(timeout=1.0)
                self.assertEqual(agent.proc.returncode, 0, agent.log())
            finally:
                agent.cleanup()


class DnsRobustness(unittest.TestCase):
    """Malformed queries get FORMERR/NOTIMP or silence; the agent keeps answering."""

    def test_garbage_never_stops_the_agent(self):
        agent = Agent().start()
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.settimeout(1)
                addr = ("127.0.0.1", agent.dns_port)
                header_only = bytes.fromhex("abcd01000000000000000000")  # QDCOUNT 0
                s.sendto(header_only, addr)
                reply, _ = s.recvfrom(4096)
                self.assertEqual(reply[:2], b"\xab\xcd")
                self.assertEqual(reply[3] & 0x0F, 1, "FORMERR")
                loop = bytes.fromhex("beef01000001000000000000") + b"\xc0\x0c\x00\x01\x00\x01"
                s.sendto(loop, addr)
                reply, _ = s.recvfrom(4096)
                self.assertEqual(reply[3] & 0x0F, 1, "compression loop: FORMERR")
                notify = bytes.fromhex("0001" "2000" "0001000000000000") + b"\x03web\x00\x00\x01\x00\x01"
                s.sendto(notify, addr)
                reply, _ = s.recvfrom(4096)
                self.assertEqual(reply[3] & 0x0F, 4, "opcode NOTIFY: NOTIMP")
                for n in range(200):
                    s.sendto(os.urandom(n % 60), addr)
            r = agent.dig("testnode.node.consul")
            self.assertEqual((r.status, r.rdata("A")), ("NOERROR", ["127.0.0.1"]))
            self.assertIsNone(agent.proc.poll())
        finally:
            agent.cleanup()

    def test_unknown_names_are_nxdomain_and_missing_types_nodata_both_with_soa(self):
        agent = Agent().start()
        try:
            r = agent.dig("nosuch.service.consul")
            self.assertEqual(r.status, "NXDOMAIN")
            soa = r.records("AUTHORITY", "SOA")
            self.assertEqual(soa[0][0], "consul.")
            self.assertEqual(list(soa[0][2:4]), ["ns.consul.", "hostmaster.consul."])
            r = agent.dig("testnode.node.consul", "MX")
            self.assertEqual((r.status, r.records("ANSWER")), ("NOERROR", []))
            self.assertTrue(r.records("AUTHORITY", "SOA"))
            r = agent.dig("example.com")
            self.assertEqual(r.status, "REFUSED")
        finally:
            agent.cleanup()

    def test_the_question_is_echoed_in_its_own_case(self):
        agent = Agent().start()
        try:
            r = agent.dig("TestNode.NODE.Consul")
            self.assertIn(";TestNode.NODE.Consul.", r.text)
            self.assertEqual(r.records("ANSWER")[0][0], "TestNode.NODE.Consul.")
        finally:
            agent.cleanup()


if __name__ == "__main__":
    unittest.main()

"""Recursor forwarding (consul-compat.md §1.13): names outside the domain go
to fake upstream DNS servers written here (UDP and TCP on one port each): one
answers SERVFAIL, one never answers, one answers NXDOMAIN, the good ones
answer an A record. Timeouts are shortened through a config file."""
import socket
import struct
import subprocess
import threading
import unittest

from harness import ROSTER, Agent, eventually, free_port


class FakeUpstream:
    """A DNS server on 127.0.0.1 (UDP and TCP, same port) with one behaviour:
    'good' (A 192.0.2.<n>), 'servfail', 'nxdomain', 'refused' or 'silent'."""

    def __init__(self, mode, n=1):
        self.mode, self.n = mode, n
        self.udp_queries = 0
        self.tcp_queries = 0
        self.names = []
        for _ in range(20):  # a port free for both UDP and TCP
            self.tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.tcp.bind(("127.0.0.1", 0))
            self.port = self.tcp.getsockname()[1]
            self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                self.udp.bind(("127.0.0.1", self.port))
                break
            except OSError:
                self.tcp.close()
                self.udp.close()
        self.tcp.listen(16)
        self.stopping = False
        self.threads = [threading.Thread(target=self._serve_udp, daemon=True),
                        threading.Thread(target=self._serve_tcp, daemon=True)]
        for t in self.threads:
            t.start()

    @property
    def addr(self):
        return f"127.0.0.1:{self.port}"

    def reply(self, query):
        """The canned reply to `query`, or None (silent)."""
        if self.mode == "silent" or len(query) < 12:
            return None
        qid, flags = struct.unpack("!HH", query[:4])
        end = 12
        while query[end] != 0:
            end += 1 + query[end]
        question = query[12:end + 5]
        labels, i = [], 12
        while query[i]:
            labels.append(query[i + 1:i + 1 + query[i]].decode())
            i += 1 + query[i]
        self.names.append(".".join(labels))
        rcode = {"good": 0, "servfail": 2, "nxdomain": 3, "refused": 5}[self.mode]
        answers = b""
        if self.mode == "good":
            answers = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + bytes([192, 0, 2, self.n])
        header = struct.pack("!HHHHHH", qid, 0x8000 | (flags & 0x0100) | 0x0080 | rcode, 1,
                             1 if answers else 0, 0, 0)
        return header + question + answers

    def _serve_udp(self):
        while not self.stopping:
            try:
                data, peer = self.udp.recvfrom(65535)
            except OSError:
                return
            self.udp_queries += 1
            r = self.reply(data)
            if r:
                self.udp.sendto(r, peer)

    def _serve_tcp(self):
        while not self.stopping:
            try:
                conn, _ = self.tcp.accept()
            except OSError:
                return
            threading.Thread(target=self._serve_conn, args=(conn,), daemon=True).start()

    def _serve_conn(self, conn):
        with conn:
            while True:
                head = conn.recv(2)
                if len(head) < 2:
                    return
                (n,) = struct.unpack("!H", head)
                data = b""
                while len(data) < n:
                    chunk = conn.recv(n - len(data))
                    if not chunk:
                        return
                    data += chunk
                self.tcp_queries += 1
                r = self.reply(data)
                if r:
                    conn.sendall(struct.pack("!H", len(r)) + r)
                else:
                    threading.Event().wait(10)  # hold the connection, answer nothing
                    return

    def close(self):
        self.stopping = True
        self.udp.close()
        self.tcp.close()


class Forwarding(unittest.TestCase):
    def upstream(self, mode, n=1):
        u = FakeUpstream(mode, n)
        self.addCleanup(u.close)
        return u

    def agent(self, recursors, strategy="sequential", timeout="300ms"):
        a = Agent(config={"recursors": [u.addr for u in recursors],
                          "dns_config": {"recursor_timeout": timeout, "recursor_strategy": strategy}}).start()
        self.addCleanup(a.cleanup)
        return a

    def test_sequential_fallback_skips_servfail_and_silent_recursors(self):
        bad, silent, good = self.upstream("servfail"), self.upstream("silent"), self.upstream("good", 7)
        a = self.agent([bad, silent, good])
        r = a.dig("www.example.org", "A", "+time=5")
        self.assertEqual(r.status, "NOERROR", r.text)
        self.assertIn("ra", r.flags)
        self.assertNotIn("aa", r.flags)
        self.assertEqual(r.rdata("A"), ["192.0.2.7"])
        self.assertEqual((bad.udp_queries, silent.udp_queries, good.udp_queries), (1, 1, 1))
        self.assertEqual(good.names, ["www.example.org"])

    def test_a_refusing_recursor_is_skipped(self):
        refused, good = self.upstream("refused"), self.upstream("good", 8)
        a = self.agent([refused, good])
        r = a.dig("www.example.org", "A", "+time=5")
        self.assertEqual(r.status, "NOERROR", r.text)
        self.assertEqual(r.rdata("A"), ["192.0.2.8"])
        self.assertEqual((refused.udp_queries, good.udp_queries), (1, 1))

    def test_recursor_timeout_bounds_the_wait_for_each_silent_recursor(self):
        # Two silent recursors before the good one: 2 x 100 ms with the
        # configured timeout, 2 x 2 s with the default, which outlasts dig's
        # single 2-second try.
        silent1, silent2, good = self.upstream("silent"), self.upstream("silent"), self.upstream("good", 6)
        a = self.agent([silent1, silent2, good], timeout="100ms")
        r = a.dig("slow.example.org", "A", "+time=2", "+tries=1")
        self.assertEqual(r.status, "NOERROR", r.text)
        self.assertEqual(r.rdata("A"), ["192.0.2.6"])

    def test_recursor_flags_repeat(self):
        bad, good = self.upstream("servfail"), self.upstream("good", 5)
        a = Agent(extra=["-recursor", bad.addr, "-recursor", good.addr]).start()
        self.addCleanup(a.cleanup)
        r = a.dig("flags.example.org", "A", "+time=5")
        self.assertEqual(r.status, "NOERROR", r.text)
        self.assertEqual(r.rdata("A"), ["192.0.2.5"])
        self.assertEqual((bad.udp_queries, good.udp_queries), (1, 1))

    def test_tcp_queries_are_forwarded_over_tcp(self):
        bad, good = self.upstream("servfail"), self.upstream("good", 9)
        a = self.agent([bad, good])
        r = a.dig("tcp.example.org", "A", "+tcp", "+time=5")
        self.assertEqual(r.status, "NOERROR", r.text)
        self.assertEqual(r.rdata("A"), ["192.0.2.9"])
        self.assertEqual((bad.tcp_queries, good.tcp_queries), (1, 1))
        self.assertEqual(good.udp_queries, 0)

    def test_nxdomain_is_relayed_without_asking_further(self):
        nx, good = self.upstream("nxdomain"), self.upstream("good")
        a = self.agent([nx, good])
        r = a.dig("nosuch.example.org", "A", "+time=5")
        self.assertEqual(r.status, "NXDOMAIN", r.text)
        self.assertEqual(good.udp_queries, 0)

    def test_all_recursors_failing_is_servfail_with_ra(self):
        a = self.agent([self.upstream("servfail"), self.upstream("silent")])
        for extra in ([], ["+tcp"]):
            r = a.dig("fail.example.org", "A", "+time=5", *extra)
            self.assertEqual(r.status, "SERVFAIL", r.text)
            self.assertIn("ra", r.flags)
            self.assertIn("fail.example.org.", r.text)  # the question is echoed

    def test_random_strategy_uses_every_recursor(self):
        one, two = self.upstream("good", 1), self.upstream("good", 2)
        a = self.agent([one, two], strategy="random")
        eventually(lambda: a.dig("r.example.org", "A").status == "NOERROR" and one.udp_queries and two.udp_queries,
                   timeout=20, message="both recursors to be asked")

    def test_ra_is_set_on_our_own_answers_with_recursors(self):
        a = self.agent([self.upstream("good")])
        r = a.dig("consul", "SOA")
        self.assertEqual(r.status, "NOERROR")
        self.assertIn("ra", r.flags)
        self.assertIn("aa", r.flags)

    def test_without_recursors_other_names_are_refused(self):
        a = Agent().start()
        self.addCleanup(a.cleanup)
        r = a.dig("www.example.org", "A")
        self.assertEqual(r.status, "REFUSED", r.text)
        self.assertNotIn("ra", r.flags)
        self.assertNotIn("ra", a.dig("consul", "SOA").flags)

    def test_a_recursor_pointing_at_ourselves_is_refused_at_start(self):
        port = free_port(socket.SOCK_DGRAM)
        for target in (f"127.0.0.1:{port}", f"0.0.0.0:{port}"):
            out = subprocess.run([ROSTER, "agent", "-dev", "-http-port", "0", "-dns-port", str(port),
                                  "-recursor", target], capture_output=True, text=True, timeout=20)
            self.assertNotEqual(out.returncode, 0)
            self.assertIn("loop", out.stdout + out.stderr)

    def test_a_recursor_at_one_of_the_hosts_addresses_is_refused_when_listening_on_all(self):
        own = [line.split()[3].split("/")[0] for line in
               subprocess.run(["ip", "-o", "-4", "addr", "show"], capture_output=True, text=True).stdout.splitlines()]
        own = [ip for ip in own if not ip.startswith("127.")]
        if not own:
            self.skipTest("this host has no IPv4 address besides loopback")
        port = free_port(socket.SOCK_DGRAM)
        out = subprocess.run([ROSTER, "agent", "-dev", "-http-port", "0", "-client", "0.0.0.0", "-dns-port", str(port),
                              "-recursor", f"{own[0]}:{port}"], capture_output=True, text=True, timeout=20)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("loop", out.stdout + out.stderr)

    def test_an_invalid_recursor_is_a_start_up_error(self):
        out = subprocess.run([ROSTER, "agent", "-dev", "-http-port", "0", "-dns-port", "0",
                              "-recursor", "not-an-ip"], capture_output=True, text=True, timeout=20)
        self.assertNotEqual(out.returncode, 0)
        self.assertIn("not-an-ip", out.stdout + out.stderr)


if __name__ == "__main__":
    unittest.main()

"""`roster wrap` stopping: critical before the child hears of SIGTERM, the
drain, deregistration driven by the child's exit, --on-exit critical, the
wrapper's own death, and PID 1 zombie reaping in a PID namespace."""
import os
import shutil
import signal
import subprocess
import time
import unittest

from harness import eventually
from wrap_support import CHILD, SIGNAL_CHILD, WrapCase, alive, children, read, received_at

CLOCK_SLACK = 0.005  # seconds; the child's clock is the same CLOCK_MONOTONIC as ours


def now():
    return time.clock_gettime(time.CLOCK_MONOTONIC)


class WrapStop(WrapCase):
    def test_sigterm_marks_critical_then_drains_then_forwards(self):
        out = self.path("seen")
        p = self.wrap("drain", *CHILD, "stop-probe", self.agent.http_addr, "service:drain", out,
                      options=["--drain", "1", "--heartbeat", "0.05"])
        eventually(lambda: os.path.exists(out + ".ready"), message="the child to install its handler")
        self.wait_status("drain", "passing")
        p.send_signal(signal.SIGTERM)
        self.wait_status("drain", "critical", output="stopping: SIGTERM received")
        self.assertFalse(self.in_dns("drain"), "out of DNS while draining")
        self.assertEqual(p.wait(timeout=10), 7)
        # What the agent said at the moment the child got SIGTERM:
        self.assertEqual(read(out), "critical")
        self.assertNotIn("drain", self.services())

    def test_sigint_drains_too_and_a_second_signal_cuts_the_drain_short(self):
        out = self.path("seen")
        p = self.wrap("impatient", *CHILD, "stop-probe", self.agent.http_addr, "service:impatient", out,
                      options=["--drain", "300", "--heartbeat", "0.05"])
        eventually(lambda: os.path.exists(out + ".ready"), message="the child to install its handler")
        self.wait_status("impatient", "passing")
        p.send_signal(signal.SIGINT)
        self.wait_status("impatient", "critical", output="stopping: SIGINT received")
        self.assertIsNone(p.poll(), "draining")
        p.send_signal(signal.SIGTERM)  # the operator insists: forwarded at once
        self.assertEqual(p.wait(timeout=10), 7)  # far less than the 300 s drain
        self.assertEqual(read(out), "critical")
        self.assertNotIn("impatient", self.services())

    def test_sigint_reaches_the_child_as_sigint_after_the_drain(self):
        out = self.path("signals")
        p = self.wrap("interrupted", *SIGNAL_CHILD, out, "SIGINT=9,SIGTERM=7",
                      options=["--drain", "1", "--heartbeat", "0.05"])
        eventually(lambda: os.path.exists(out + ".ready"), message="the child to install its handlers")
        self.wait_status("interrupted", "passing")
        sent = now()  # before the kill, so the wrapper's drain starts after it
        p.send_signal(signal.SIGINT)
        self.wait_status("interrupted", "critical", output="stopping: SIGINT received")
        self.assertEqual(p.wait(timeout=10), 9, "the wrapper exits with the child's status")
        self.assertEqual(read(out).split(), ["SIGINT"], "the same signal, not SIGTERM, and only once")
        self.assertGreaterEqual(received_at(out, "SIGINT")[0] - sent, 1 - CLOCK_SLACK, "forwarded after the drain")
        self.assertNotIn("interrupted", self.services())

    def test_sigterm_is_held_back_for_the_whole_drain_while_the_service_is_critical(self):
        out = self.path("signals")
        p = self.wrap("held", *SIGNAL_CHILD, out, options=["--drain", "1", "--heartbeat", "0.05"])
        eventually(lambda: os.path.exists(out + ".ready"), message="the child to install its handlers")
        self.wait_status("held", "passing")
        sent = now()
        p.send_signal(signal.SIGTERM)
        self.wait_status("held", "critical", output="stopping: SIGTERM received")
        seen_critical = now()
        self.assertEqual(p.wait(timeout=10), 7)
        self.assertEqual(read(out).split(), ["SIGTERM"])
        received = received_at(out, "SIGTERM")[0]
        self.assertGreaterEqual(received - sent, 1 - CLOCK_SLACK, "not forwarded before the 1 s drain was over")
        self.assertLess(seen_critical, received, "the agent reported critical before the child heard of the stop")
        self.assertNotIn("held", self.services())

    def test_deregistration_follows_the_childs_exit_not_the_heartbeat(self):
        gate = self.path("gate")
        p = self.wrap("quick", "sh", "-c", f"while [ ! -e {gate} ]; do sleep 0.02; done; exit 4",
                      options=["--ttl", "600", "--heartbeat", "300"])
        self.wait_status("quick", "passing")
        open(gate, "w").close()
        self.assertEqual(p.wait(timeout=10), 4)  # long before the next 300 s heartbeat
        self.assertNotIn("quick", self.services())

    def test_on_exit_critical_keeps_the_instance_visible_as_critical(self):
        gate = self.path("gate")
        p = self.wrap("crashy", "sh", "-c", f"while [ ! -e {gate} ]; do sleep 0.02; done; exit 3",
                      options=["--on-exit", "critical", "--heartbeat", "0.05"])
        self.wait_status("crashy", "passing")
        open(gate, "w").close()
        self.assertEqual(p.wait(timeout=10), 3)
        self.assertIn("crashy", self.services())
        check = self.check("crashy")
        self.assertEqual(check["Status"], "critical")
        self.assertIn("exited with status 3", check["Output"])
        self.assertFalse(self.in_dns("crashy"))
        # A child killed by a signal says so.
        q = self.wrap("crashy", "sh", "-c", "sleep 0.2; kill -KILL $$", options=["--on-exit", "critical"])
        self.assertEqual(q.wait(timeout=10), 137)
        self.assertIn("killed by SIGKILL", self.check("crashy")["Output"])

    def test_on_exit_critical_still_deregisters_on_a_requested_stop(self):
        p = self.wrap("stopped", "sleep", "60", options=["--on-exit", "critical", "--heartbeat", "0.05"])
        self.wait_status("stopped", "passing")
        p.terminate()
        self.assertEqual(p.wait(timeout=10), 128 + signal.SIGTERM)
        self.assertNotIn("stopped", self.services())

    def test_the_child_does_not_outlive_a_killed_wrapper(self):
        p = self.wrap("orphaned", "sleep", "60")
        child = eventually(lambda: [pid for pid, _ in children(p.pid)], message="the child")[0]
        p.kill()
        p.wait(timeout=10)
        eventually(lambda: not alive(child), message="the child to die with the wrapper")


@unittest.skipUnless(shutil.which("unshare") and os.geteuid() == 0, "needs util-linux unshare and root")
class WrapAsPid1(WrapCase):
    def test_as_pid_1_it_reaps_orphans_and_still_gets_its_childs_status(self):
        out, gate = self.path("orphan"), self.path("gate")
        p = self.wrap("init", *CHILD, "orphan", out, gate,
                      prefix=["unshare", "--pid", "--fork", "--mount-proc"], options=["-vvv"])
        wrapper = eventually(lambda: [pid for pid, _ in children(p.pid)], message="the wrapper in its namespace")[0]
        eventually(lambda: read(out), message="the orphan to report its new parent")
        self.assertEqual(read(out), "1", "the orphan was re-parented to the wrapper (PID 1)")
        # The orphan has exited: no zombie is left under the wrapper, only the wrapped child.
        eventually(lambda: all(state != "Z" for _, state in children(wrapper)) and len(children(wrapper)) == 1,
                   message=f"no zombies under the wrapper: {children(wrapper)}")
        self.assertIn("reaped an orphan", self.stderr_of(p))
        open(gate, "w").close()
        self.assertEqual(p.wait(timeout=10), 5, "the wrapped child's own status got through")
        self.assertNotIn("init", self.services())


if __name__ == "__main__":
    unittest.main()

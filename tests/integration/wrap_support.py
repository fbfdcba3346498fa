"""Shared by the test_wrap*.py suites: a real agent, the real wrapper with its
stderr in a file, and a look at processes through /proc."""
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import unittest

from harness import ROSTER, Agent, eventually, free_port

HERE = os.path.dirname(os.path.abspath(__file__))
CHILD = [sys.executable, os.path.join(HERE, "wrap_child.py")]
SIGNAL_CHILD = [sys.executable, os.path.join(HERE, "signal_child.py")]


def listen_port():
    """A free TCP port for a process that will bind it later (harness.free_port)."""
    return free_port()


def read(path):
    """A file's text, or "" when it does not exist (yet)."""
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def received_at(out, name):
    """The CLOCK_MONOTONIC times at which signal_child.py writing to OUT handled signal NAME."""
    return [float(t) for n, t in (line.split() for line in read(out + ".times").splitlines()) if n == name]


def proc_stat(pid):
    """(state, ppid) of a process, or None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    return fields[0], int(fields[1])


def children(pid):
    """[(child pid, state)] of a process, from /proc."""
    out = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = proc_stat(int(entry))
            if st and st[1] == pid:
                out.append((int(entry), st[0]))
    return out


def alive(pid):
    st = proc_stat(pid)
    return st is not None and st[0] != "Z"


class WrapCase(unittest.TestCase):
    node = "wrapnode"

    def setUp(self):
        self.agent = Agent(node=self.node).start()
        self.addCleanup(self.agent.cleanup)
        self.tmp = tempfile.mkdtemp(prefix="roster-wrap-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def wrap(self, name, *command, options=(), agent=None, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
             prefix=()):
        """Starts `roster wrap [options] name -- command`; stderr goes to p.err_path."""
        err_path = self.path(f"{name}.{len(os.listdir(self.tmp))}.err")
        err = open(err_path, "w")
        p = subprocess.Popen([*prefix, ROSTER, "wrap", "--consul-agent", agent or self.agent.http_addr, *options, name,
                              "--", *command], stdin=stdin, stdout=stdout, stderr=err, text=True)
        err.close()
        p.err_path = err_path

        def stop():
            if p.poll() is None:
                if prefix:  # unshare: its child (the wrapper, PID 1 inside) takes the namespace down
                    for pid, _ in children(p.pid):
                        os.kill(pid, 9)
                p.kill()
                p.wait()
            for stream in (p.stdin, p.stdout):
                if stream:
                    stream.close()
        self.addCleanup(stop)
        return p

    @staticmethod
    def stderr_of(p):
        with open(p.err_path) as f:
            return f.read()

    def services(self):
        return self.agent.get_json("/v1/agent/services")

    def check(self, service_id):
        """The service's TTL check as the agent reports it, or None."""
        return self.agent.get_json("/v1/agent/checks").get(f"service:{service_id}")

    def status(self, service_id):
        c = self.check(service_id)
        return c["Status"] if c else None

    def wait_status(self, service_id, status, output=None, timeout=10.0):
        def ok():
            c = self.check(service_id)
            return c if c and c["Status"] == status and (output is None or output in c["Output"]) else None
        return eventually(ok, timeout, message=f"{service_id} to be {status}" + (f" with {output!r}" if output else ""))

    def in_dns(self, name):
        r = self.agent.dig(f"{name}.service.consul")
        return r.status == "NOERROR" and bool(r.rdata("A"))

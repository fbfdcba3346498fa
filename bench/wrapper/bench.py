"""Deregistration latency and memory of `roster wrap` beside an ianitor-like
python-consul wrapper (ianitor_like.py), against a real `roster agent -dev`.

Latency: the child prints time.monotonic() just before it exits; a watcher
holds a blocking query on /v1/catalog/service/<name> (index + wait) and notes
time.monotonic() when the answer no longer lists the service. Memory: VmRSS and
VmHWM of the wrapper process (not the child) from /proc after a few heartbeats.
Usage: bench.py RUNS (ROSTER_BIN names the roster binary)."""
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "integration"))
from harness import ROSTER, Agent, eventually  # noqa: E402

RNG = random.Random(6)
PYTHON = "/usr/bin/python3"  # Debian's, which sees python3-consul
CHILD = [PYTHON, "-c", "import os, sys, time\nsys.stdin.readline()\n"
         "sys.stdout.write(repr(time.monotonic()) + '\\n'); sys.stdout.flush(); os._exit(0)"]


def get(agent, path, timeout=30):
    with urllib.request.urlopen(f"http://{agent.http_addr}{path}", timeout=timeout) as r:
        return json.load(r), int(r.headers.get("X-Consul-Index", "0"))


def vm(pid):
    """VmRSS, VmHWM, RssAnon (private to the process) and Pss, in kB."""
    out = {}
    for path, keys in ((f"/proc/{pid}/status", ("VmRSS", "VmHWM", "RssAnon")), (f"/proc/{pid}/smaps_rollup", ("Pss",))):
        with open(path) as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in keys:
                    out[key] = int(value.split()[0])
    return out


def one_run(agent, kind, name):
    if kind == "roster":
        argv = [ROSTER, "wrap", "--consul-agent", agent.http_addr, name, "--", *CHILD]
    else:
        argv = [PYTHON, os.path.join(HERE, "ianitor_like.py"), agent.http_addr, name, "--", *CHILD]
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        def passing():
            checks, _ = get(agent, "/v1/agent/checks")
            return checks.get(f"service:{name}", {}).get("Status") == "passing"
        eventually(passing, 20, message=f"{kind} to pass")
        # A few heartbeats (1 s each by default) before reading memory; the random part spreads the
        # child's exit over the heartbeat cycle, which a poll-per-heartbeat wrapper is sensitive to.
        threading.Event().wait(2.0 + RNG.uniform(0.0, 1.0))
        mem = vm(p.pid)
        listed, index = get(agent, f"/v1/catalog/service/{name}")
        gone_at = []

        def watch(index=index):
            while True:
                services, index = get(agent, f"/v1/catalog/service/{name}?index={index}&wait=20s")
                if not services:
                    gone_at.append(time.monotonic())
                    return
        watcher = threading.Thread(target=watch)
        watcher.start()
        p.stdin.write("\n")
        p.stdin.flush()
        exited_at = float(p.stdout.readline())
        watcher.join(30)
        p.wait(30)
        return (gone_at[0] - exited_at) * 1000.0, mem
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def summarize(kind, latencies, mems):
    lat = sorted(latencies)
    p99 = lat[min(len(lat) - 1, int(round(0.99 * (len(lat) - 1))))]
    def med(key):
        return statistics.median(m[key] for m in mems) / 1024
    hwm = max(m["VmHWM"] for m in mems) / 1024
    return (f"{kind:<25} runs={len(lat)}  deregistration: median {statistics.median(lat):7.1f} ms, "
            f"p99 {p99:7.1f} ms, max {lat[-1]:7.1f} ms\n{'':<25} memory (MB): VmRSS {med('VmRSS'):.1f}, "
            f"VmHWM max {hwm:.1f}, RssAnon {med('RssAnon'):.1f}, Pss {med('Pss'):.1f}")


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    agent = Agent(node="bench").start()
    try:
        # Does the agent hold blocking queries? (If not, the watcher polls tightly: same result, more CPU.)
        _, index = get(agent, "/v1/catalog/service/probe")
        started = time.monotonic()
        get(agent, f"/v1/catalog/service/probe?index={index}&wait=200ms")
        blocking = time.monotonic() - started > 0.15
        print(f"agent: {ROSTER} ({'blocking queries' if blocking else 'no blocking queries: tight polling'})")
        for kind in ("roster wrap", "ianitor-like (py-consul)"):
            lat, mems = [], []
            for i in range(runs):
                ms, mem = one_run(agent, "roster" if kind == "roster wrap" else "ianitor", f"bench{i}")
                lat.append(ms)
                mems.append(mem)
            print(summarize(kind, lat, mems), flush=True)
    finally:
        agent.cleanup()


if __name__ == "__main__":
    main()

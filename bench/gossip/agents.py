#!/usr/bin/env python3
"""Tier-B gossip benchmark: N real `roster agent` processes on loopback.

Starts N agents (-dev, the `lan` profile unless --profile says otherwise,
encryption on unless --no-encrypt), each joining one of the first three
agents, one join at a time (a gentle join for a 2-core machine). Then:

  idle       bytes sent per agent per second over --idle seconds, from the
             agents' own counters (/v1/agent/self Stats.serf_lan; UDP payload
             + 28 B IPv4/UDP header per datagram, plus TCP payload);
  propagate  a service registered on one agent: time until each other
             agent's catalog has it (one blocking query per agent: no
             polling error);
  kill -9    time until each live agent marks the victim failed (its
             serfHealth check turns critical: a blocking query per agent),
             checked against /v1/agent/members; --kills victims, one after
             the other;
  leave      PUT /v1/agent/leave on one agent: time until each other agent
             dropped the node (blocking query), and that /v1/agent/members
             never showed it failed (polled).

Times are taken by the benchmark process on CLOCK_MONOTONIC, from the moment
the action was issued. Not a test: scripts/test does not run it.

  bench/gossip/agents.py --roster build/agent/roster [-n 50] [--idle 60] [--kills 3]
"""
import argparse
import base64
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request


def http(port, method, path, body=None, timeout=40):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.status, r.headers, r.read()


def get_json(port, path, timeout=40):
    _, headers, body = http(port, "GET", path, timeout=timeout)
    return int(headers.get("X-Consul-Index", "0")), json.loads(body)


class Agent:
    def __init__(self, roster, workdir, i, profile, key, join, extra=()):
        self.name = f"node-{i:03d}"
        self.dir = os.path.join(workdir, self.name)
        os.makedirs(self.dir)
        self.ready_path = os.path.join(self.dir, "ready.json")
        args = [roster, "agent", "-dev", "-node", self.name, "-http-port", "0", "-dns-port", "0",
                "-serf-lan-port", "0", "-gossip-profile", profile, "-ready-file", self.ready_path,
                "-log-level", "warn"]
        if key:
            args += ["-encrypt", key]
        if join:
            args += ["-join", join]
        args += list(extra)
        self.log = open(os.path.join(self.dir, "agent.log"), "wb")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        self.ready = None

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited: " + open(os.path.join(self.dir, "agent.log")).read())
            if os.path.exists(self.ready_path):
                with open(self.ready_path) as f:
                    self.ready = json.load(f)
                return
            time.sleep(0.01)
        raise RuntimeError(f"{self.name} not ready")

    @property
    def http_port(self):
        return self.ready["http_port"]

    @property
    def serf(self):
        return f"127.0.0.1:{self.ready['serf_lan_port']}"

    def alive(self):
        return self.proc.poll() is None

    def stats(self):
        _, s = get_json(self.http_port, "/v1/agent/self")
        return s["Stats"]["serf_lan"]

    def statuses(self):
        _, m = get_json(self.http_port, "/v1/agent/members")
        return {x["Name"]: x["Status"] for x in m}


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100.0 * (len(values) - 1)))))
    return values[k]


def summary(label, values):
    return (f"{label}: n={len(values)} p50 {pct(values, 50):.2f}s p99 {pct(values, 99):.2f}s "
            f"max {max(values) if values else float('nan'):.2f}s")


def watch_all(agents, path, pred):
    """Starts one blocking watcher per agent; returns (start time, results, threads)."""
    out = {}
    threads = []
    # Take each watcher's starting index before the action, so nothing is missed.
    start_box = {}
    ready = threading.Barrier(len(agents) + 1)

    def run(a):
        index, body = get_json(a.http_port, path)
        ready.wait()
        if pred(body):
            out[a.name] = 0.0
            return
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                index, body = get_json(a.http_port, f"{path}{'&' if '?' in path else '?'}index={index}&wait=30s")
            except (urllib.error.URLError, OSError):
                return
            if pred(body):
                out[a.name] = time.monotonic() - start_box["t"]
                return

    for a in agents:
        t = threading.Thread(target=run, args=(a,), daemon=True)
        t.start()
        threads.append(t)
    ready.wait()
    return start_box, out, threads


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--roster", required=True)
    ap.add_argument("-n", type=int, default=50)
    ap.add_argument("--profile", default="lan")
    ap.add_argument("--idle", type=float, default=60)
    ap.add_argument("--kills", type=int, default=3)
    ap.add_argument("--registrations", type=int, default=3)
    ap.add_argument("--no-encrypt", action="store_true")
    ap.add_argument("--stagger", type=float, default=0.02, help="seconds between agent starts")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (logs)")
    ap.add_argument("--loss", type=float, default=0.0,
                    help="drop this share of every agent's outgoing datagrams (the test-only fault hook)")
    args = ap.parse_args()

    key = None if args.no_encrypt else base64.b64encode(os.urandom(32)).decode()
    workdir = tempfile.mkdtemp(prefix="roster-gossip-bench-")
    agents = []
    report = {"n": args.n, "profile": args.profile, "encrypted": key is not None, "loss": args.loss}
    try:
        t0 = time.monotonic()
        for i in range(args.n):
            seed = agents[(i - 1) % min(3, len(agents))].serf if agents else None
            extra = ["-gossip-fault-drop", str(args.loss)] if args.loss > 0 else []
            a = Agent(args.roster, workdir, i, args.profile, key, seed, extra)
            a.wait_ready()  # -join is done before the ready file: one join in flight
            agents.append(a)
            time.sleep(args.stagger)
        started = time.monotonic() - t0

        def converged():
            return all(len([s for s in a.statuses().values() if s == 1]) == args.n for a in agents)

        deadline = time.monotonic() + 120
        while not converged():
            if time.monotonic() > deadline:
                raise RuntimeError("the cluster did not converge")
            time.sleep(0.2)
        report["start_and_converge_s"] = round(time.monotonic() - t0, 2)
        print(f"N={args.n} profile={args.profile} encrypted={key is not None} loss={args.loss}: started in {started:.1f}s, "
              f"all {args.n} alive everywhere after {report['start_and_converge_s']}s", flush=True)

        # Idle traffic.
        time.sleep(5)
        before = {a.name: a.stats() for a in agents}
        t_idle = time.monotonic()
        time.sleep(args.idle)
        after = {a.name: a.stats() for a in agents}
        span = time.monotonic() - t_idle
        rates, udp_rates, tcp_rates = [], [], []
        for a in agents:
            b, e = before[a.name], after[a.name]
            d = lambda k: int(e[k]) - int(b[k])
            udp = d("udp_sent_bytes") + 28 * d("udp_sent")
            tcp = d("tcp_sent_bytes")
            udp_rates.append(udp / span)
            tcp_rates.append(tcp / span)
            rates.append((udp + tcp) / span)
        report["idle_bytes_per_agent_s"] = {"mean": round(statistics.mean(rates), 1), "max": round(max(rates), 1),
                                            "udp_mean": round(statistics.mean(udp_rates), 1),
                                            "tcp_mean": round(statistics.mean(tcp_rates), 1)}
        false_failed = sum(int(after[a.name]["failures_declared"]) for a in agents)
        print(f"idle {span:.0f}s: sent per agent {statistics.mean(rates):.0f} B/s mean "
              f"(UDP incl. headers {statistics.mean(udp_rates):.0f}, TCP {statistics.mean(tcp_rates):.0f}), "
              f"max {max(rates):.0f} B/s; failures declared {false_failed}", flush=True)

        # Propagation of a registration.
        prop = []
        for r in range(args.registrations):
            owner = agents[(7 * r + 5) % len(agents)]
            svc = f"bench-svc-{r}"
            others = [a for a in agents if a is not owner]
            box, out, threads = watch_all(others, f"/v1/catalog/service/{svc}", lambda body: len(body) > 0)
            box["t"] = time.monotonic()
            http(owner.http_port, "PUT", "/v1/agent/service/register",
                 {"Name": svc, "Port": 8000 + r, "Tags": ["bench"], "Meta": {"run": str(r)}})
            for t in threads:
                t.join(130)
            times = list(out.values())
            prop.extend(times)
            print(summary(f"propagation #{r + 1} ({len(times)}/{len(others)} agents)", times), flush=True)
        report["propagation"] = {"n": len(prop), "p50": pct(prop, 50), "p99": pct(prop, 99), "max": max(prop)}

        # kill -9 detection.
        det = []
        for k in range(args.kills):
            victim = agents[len(agents) - 1 - 3 * k]
            live = [a for a in agents if a.alive() and a is not victim]
            crit = lambda body: any(c["CheckID"] == "serfHealth" and c["Status"] == "critical" for c in body)
            box, out, threads = watch_all(live, f"/v1/health/node/{victim.name}", crit)
            box["t"] = time.monotonic()
            victim.proc.kill()
            victim.proc.wait()
            for t in threads:
                t.join(130)
            times = list(out.values())
            det.extend(times)
            wrong = [a.name for a in live if a.statuses().get(victim.name) != 4]
            print(summary(f"kill -9 #{k + 1} of {victim.name}: failed on ({len(times)}/{len(live)})", times)
                  + (f"; members not failed on {wrong}" if wrong else ""), flush=True)
        report["detection"] = {"n": len(det), "p50": pct(det, 50), "p99": pct(det, 99), "max": max(det) if det else None}

        # Graceful leave.
        leaver = agents[1]
        live = [a for a in agents if a.alive() and a is not leaver]
        box, out, threads = watch_all(live, f"/v1/catalog/node/{leaver.name}", lambda body: body is None)
        seen_failed = []
        stop = threading.Event()

        def poll_members():
            while not stop.is_set():
                for a in live[:10]:
                    try:
                        if a.statuses().get(leaver.name) == 4:
                            seen_failed.append(a.name)
                    except (urllib.error.URLError, OSError):
                        pass
                stop.wait(0.1)

        poller = threading.Thread(target=poll_members, daemon=True)
        poller.start()
        box["t"] = time.monotonic()
        http(leaver.http_port, "PUT", "/v1/agent/leave")
        for t in threads:
            t.join(130)
        stop.set()
        poller.join()
        times = list(out.values())
        left_everywhere = all(a.statuses().get(leaver.name) == 3 for a in live)
        print(summary(f"graceful leave: node gone on ({len(times)}/{len(live)})", times)
              + f"; left in members everywhere: {left_everywhere}; ever failed: {bool(seen_failed)}", flush=True)
        report["leave"] = {"n": len(times), "p50": pct(times, 50), "max": max(times) if times else None,
                           "ever_failed": bool(seen_failed), "left_everywhere": left_everywhere}
        print(json.dumps(report))
    finally:
        for a in agents:
            if a.alive():
                a.proc.send_signal(signal.SIGKILL)
                a.proc.wait()
            a.log.close()
        if args.keep:
            print(f"logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

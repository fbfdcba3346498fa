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
             never showed it failed (polled);
  freeze     only with --freeze-ms MS: one agent (never a seed, a victim,
             an owner or the leaver) is frozen MS ms at a time, and the
             cluster runs --freeze-minutes. Counted over that window: the
             agents' own `failures_declared`, `suspicions_raised` and
             `refutations` (/v1/agent/self Stats.serf_lan, healthy agents and
             the frozen one apart), status 4 in /v1/agent/members polled
             every 0.5 s on 10 healthy agents and on the frozen one, any
             serfHealth check seen critical by a blocking query on
             /v1/health/state/critical on every agent, and the frozen agent's
             health score (sampled every second). The first 15 s also measure
             the freeze itself, from the outside: how long, and how often,
             the frozen agent's /v1/agent/members (served by its gossip
             thread) stalls. --freeze-via hook passes the agent's TEST-ONLY
             -gossip-fault-freeze-ms MS (its gossip thread sleeps MS ms of
             every second); --freeze-via sigstop stops the
             whole process with SIGSTOP for MS ms of every second (SIGCONT for
             the rest), from this process. The freeze phase runs first, right
             after the join; a hook-frozen agent stays frozen in the phases
             after it (--only freeze skips them).

Times are taken by the benchmark process on CLOCK_MONOTONIC, from the moment
the action was issued. Not a test: scripts/test does not run it.

  bench/gossip/agents.py --roster build/agent/roster [-n 50] [--idle 60] [--kills 3]
  bench/gossip/agents.py --roster build/agent/roster -n 50 --freeze-ms 800 --freeze-minutes 10 --only freeze
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
    def __init__(self, roster, workdir, i, profile, key, join, extra=(), log_level="warn"):
        self.name = f"node-{i:03d}"
        self.dir = os.path.join(workdir, self.name)
        os.makedirs(self.dir)
        self.ready_path = os.path.join(self.dir, "ready.json")
        args = [roster, "agent", "-dev", "-node", self.name, "-http-port", "0", "-dns-port", "0",
                "-serf-lan-port", "0", "-gossip-profile", profile, "-ready-file", self.ready_path,
                "-log-level", log_level]
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


PHASES = ("freeze", "idle", "propagate", "kill", "leave")


def pick_frozen(n, kills, registrations):
    """An agent that is no seed (0-2), kill victim, registration owner or leaver."""
    taken = {0, 1, 2} | {n - 1 - 3 * k for k in range(kills)} | {(7 * r + 5) % n for r in range(registrations)}
    for i in list(range(n // 2, n)) + list(range(3, n // 2)):
        if i not in taken:
            return i
    raise SystemExit(f"no agent left to freeze among {n}")


class SigstopFreezer:
    """Stops a process `ms` ms of every second (SIGSTOP ... SIGCONT), on an
    absolute 1 s grid; records how long each stop really lasted."""

    def __init__(self, proc, ms):
        self.proc, self.ms, self.stops = proc, ms, []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self):
        self.thread.start()

    def run(self):
        t0 = time.monotonic() + 0.1
        k = 0
        while not self.stop_event.is_set():
            begin = t0 + k
            k += 1
            if self.stop_event.wait(max(0.0, begin - time.monotonic())):
                break
            if time.monotonic() > begin + 0.5:  # we were late by half a period: skip it
                continue
            self.proc.send_signal(signal.SIGSTOP)
            stopped = time.monotonic()
            time.sleep(max(0.0, begin + self.ms / 1000.0 - time.monotonic()))
            self.proc.send_signal(signal.SIGCONT)
            self.stops.append(time.monotonic() - stopped)

    def stop(self):
        self.stop_event.set()
        self.thread.join()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)


def measure_stalls(agent, seconds):
    """Polls the agent's /v1/agent/members (answered by its gossip thread) as
    fast as it answers for `seconds`: returns (stall lengths, periods between
    the ends of consecutive stalls). A stall is an answer slower than 100 ms."""
    stalls = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.monotonic()
        try:
            get_json(agent.http_port, "/v1/agent/members", timeout=10)
        except (urllib.error.URLError, OSError):
            continue
        dt = time.monotonic() - t
        if dt > 0.1:
            stalls.append((t + dt, dt))
        time.sleep(0.005)
    lengths = [dt for _, dt in stalls]
    periods = [b[0] - a[0] for a, b in zip(stalls, stalls[1:])]
    return lengths, periods


def freeze_phase(args, agents, frozen, freezer):
    """Runs --freeze-minutes with `frozen` frozen; returns the report dict."""
    healthy = [a for a in agents if a is not frozen]
    sample = healthy[:: max(1, len(healthy) // 10)][:10]
    stop = threading.Event()
    lock = threading.Lock()
    critical = []   # (t, observer, node) from the blocking queries
    bad_status = []  # (t, observer, node, status) from the members polls
    polls = {"healthy": 0, "frozen": 0, "errors": 0}
    scores = []
    t_start = time.monotonic()

    def watch_critical(a):
        index = 0
        while not stop.is_set():
            try:
                index, body = get_json(a.http_port, f"/v1/health/state/critical?index={index}&wait=5s", timeout=20)
            except (urllib.error.URLError, OSError):
                with lock:
                    polls["errors"] += 1
                stop.wait(0.5)
                continue
            for c in body:
                if c["CheckID"] == "serfHealth":
                    with lock:
                        critical.append((round(time.monotonic() - t_start, 2), a.name, c["Node"]))

    def poll_members(observers, kind):
        while not stop.is_set():
            for a in observers:
                try:
                    st = a.statuses()
                except (urllib.error.URLError, OSError):
                    with lock:
                        polls["errors"] += 1
                    continue
                with lock:
                    polls[kind] += 1
                    for name, status in st.items():
                        if status != 1:
                            bad_status.append((round(time.monotonic() - t_start, 2), a.name, name, status))
                    if len(st) != len(agents):
                        bad_status.append((round(time.monotonic() - t_start, 2), a.name, "(members)", len(st)))
            stop.wait(0.5)

    def sample_score():
        while not stop.is_set():
            try:
                scores.append(int(frozen.stats()["health_score"]))
            except (urllib.error.URLError, OSError):
                pass
            stop.wait(1.0)

    before = {a.name: a.stats() for a in agents}
    threads = [threading.Thread(target=watch_critical, args=(a,), daemon=True) for a in agents]
    threads += [threading.Thread(target=poll_members, args=(sample, "healthy"), daemon=True),
                threading.Thread(target=poll_members, args=([frozen], "frozen"), daemon=True),
                threading.Thread(target=sample_score, daemon=True)]
    for t in threads:
        t.start()
    lengths, periods = measure_stalls(frozen, 15)
    if args.freeze_via == "sigstop":
        stop_lengths = list(freezer.stops)
        cycle = (f"SIGSTOP {statistics.mean(stop_lengths) * 1000:.0f} ms (max {max(stop_lengths) * 1000:.0f}) "
                 f"every 1 s" if stop_lengths else "no stop yet")
    else:
        cycle = f"-gossip-fault-freeze-ms {args.freeze_ms}"
    measured = "no stall seen"
    if lengths and periods:
        measured = (f"{statistics.mean(lengths) * 1000:.0f} ms stalls (max {max(lengths) * 1000:.0f}) every "
                    f"{statistics.mean(periods):.2f} s, i.e. {100 * statistics.mean(lengths) / statistics.mean(periods):.0f} % "
                    f"of the time")
    print(f"freeze: {frozen.name} frozen via {args.freeze_via} ({cycle}); measured from outside over 15 s: "
          f"{measured}", flush=True)
    deadline = t_start + args.freeze_minutes * 60
    while time.monotonic() < deadline:
        for a in agents:
            if not a.alive():
                raise RuntimeError(f"{a.name} exited during the freeze: see its log")
        time.sleep(min(5.0, max(0.0, deadline - time.monotonic())))
    after = {a.name: a.stats() for a in agents}
    span = time.monotonic() - t_start
    stop.set()
    for t in threads:
        t.join(30)
    if freezer:
        freezer.stop()

    def delta(names, key):
        return sum(int(after[x][key]) - int(before[x][key]) for x in names)

    hn = [a.name for a in healthy]
    fn = [frozen.name]
    seen_failed = sorted({x[2] for x in critical} | {x[2] for x in bad_status})
    r = {
        "frozen": frozen.name, "via": args.freeze_via, "freeze_ms": args.freeze_ms, "seconds": round(span, 1),
        "measured_stall_ms": round(1000 * statistics.mean(lengths)) if lengths else None,
        "measured_period_s": round(statistics.mean(periods), 3) if periods else None,
        "failures_declared_by_healthy": delta(hn, "failures_declared"),
        "failures_declared_by_frozen": delta(fn, "failures_declared"),
        "suspicions_raised_by_healthy": delta(hn, "suspicions_raised"),
        "suspicions_raised_by_frozen": delta(fn, "suspicions_raised"),
        "refutations_by_frozen": delta(fn, "refutations"),
        "refutations_by_healthy": delta(hn, "refutations"),
        "frozen_incarnation_rise": delta(fn, "incarnation"),
        "frozen_probes": delta(fn, "probes"), "frozen_probes_failed": delta(fn, "probes_failed"),
        "healthy_probes_failed": delta(hn, "probes_failed"),
        "frozen_health_score_max": max(scores) if scores else None,
        "frozen_health_score_mean": round(statistics.mean(scores), 2) if scores else None,
        "members_polls": dict(polls), "non_alive_seen": len(bad_status), "serf_critical_seen": len(critical),
        "nodes_ever_failed": seen_failed, "failed_rows_at_end": sum(int(after[x]["failed"]) for x in after),
    }
    print(f"freeze {span:.0f}s: failures declared by healthy agents {r['failures_declared_by_healthy']}, "
          f"by the frozen one {r['failures_declared_by_frozen']}; members polls "
          f"({polls['healthy']} on {len(sample)} healthy agents, {polls['frozen']} on the frozen one, every 0.5 s): "
          f"non-alive seen {len(bad_status)}; serfHealth critical seen by the blocking queries of {len(agents)} agents: "
          f"{len(critical)}; nodes ever shown failed: {seen_failed or 'none'}", flush=True)
    print(f"freeze {span:.0f}s: suspicions raised by healthy agents {r['suspicions_raised_by_healthy']} "
          f"({r['suspicions_raised_by_healthy'] / span * 60:.1f}/min), by the frozen one "
          f"{r['suspicions_raised_by_frozen']}; refutations by the frozen one {r['refutations_by_frozen']} "
          f"(incarnation +{r['frozen_incarnation_rise']}), by healthy agents {r['refutations_by_healthy']}; "
          f"frozen agent's probes failed {r['frozen_probes_failed']}/{r['frozen_probes']}, healthy agents' "
          f"{r['healthy_probes_failed']}; its health score max {r['frozen_health_score_max']} mean "
          f"{r['frozen_health_score_mean']} ({len(scores)} samples)", flush=True)
    for x in (critical + bad_status)[:20]:
        print(f"  seen: {x}", flush=True)
    return r


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
    ap.add_argument("--freeze-ms", type=int, default=0,
                    help="the freeze phase: one agent frozen this many ms at a time (1..999)")
    ap.add_argument("--freeze-minutes", type=float, default=10, help="length of the freeze phase")
    ap.add_argument("--freeze-via", choices=("hook", "sigstop"), default="hook",
                    help="hook: the agent's -gossip-fault-freeze-ms (MS frozen, then 1 s awake); "
                         "sigstop: SIGSTOP for MS of every second")
    ap.add_argument("--only", help="comma-separated phases to run, of " + ",".join(PHASES) +
                    " (default: all; freeze only with --freeze-ms)")
    ap.add_argument("--log-level", default="warn", help="the agents' -log-level (info logs failures)")
    args = ap.parse_args()
    if not 0 <= args.freeze_ms < 1000:
        ap.error("--freeze-ms must be between 0 and 999")
    phases = set(PHASES) if args.only is None else set(args.only.split(","))
    if not phases <= set(PHASES):
        ap.error(f"--only: unknown phase in {args.only}")
    if args.freeze_ms == 0:
        if args.only is not None and "freeze" in phases:
            ap.error("the freeze phase needs --freeze-ms")
        phases.discard("freeze")
    frozen_i = pick_frozen(args.n, args.kills, args.registrations) if "freeze" in phases else None

    key = None if args.no_encrypt else base64.b64encode(os.urandom(32)).decode()
    workdir = tempfile.mkdtemp(prefix="roster-gossip-bench-")
    agents = []
    report = {"n": args.n, "profile": args.profile, "encrypted": key is not None, "loss": args.loss}
    freezer = None
    try:
        t0 = time.monotonic()
        for i in range(args.n):
            seed = agents[(i - 1) % min(3, len(agents))].serf if agents else None
            extra = ["-gossip-fault-drop", str(args.loss)] if args.loss > 0 else []
            if i == frozen_i and args.freeze_via == "hook":
                extra += ["-gossip-fault-freeze-ms", str(args.freeze_ms)]
            a = Agent(args.roster, workdir, i, args.profile, key, seed, extra, args.log_level)
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
              f"all {args.n} alive everywhere after {report['start_and_converge_s']}s"
              + (f" ({agents[frozen_i].name} hook-frozen from its start)"
                 if frozen_i is not None and args.freeze_via == "hook" else ""), flush=True)

        if "freeze" in phases:
            frozen = agents[frozen_i]
            if args.freeze_via == "sigstop":
                freezer = SigstopFreezer(frozen.proc, args.freeze_ms)
                freezer.start()
            report["freeze"] = freeze_phase(args, agents, frozen, freezer)
            freezer = None  # stopped by freeze_phase
            t_check = time.monotonic()
            deadline = t_check + 60
            while not converged():
                if time.monotonic() > deadline:
                    raise RuntimeError("not all alive everywhere 60 s after the freeze phase")
                time.sleep(0.2)
            report["freeze"]["all_alive_after_s"] = round(time.monotonic() - t_check, 2)
            print(f"freeze: afterwards all {args.n} alive everywhere, checked in "
                  f"{report['freeze']['all_alive_after_s']}s", flush=True)
        if "idle" in phases:
            idle_phase(args, agents, report)
        if "propagate" in phases:
            propagate_phase(args, agents, report)
        if "kill" in phases:
            kill_phase(args, agents, report)
        if "leave" in phases:
            leave_phase(agents, report)
        print(json.dumps(report))
    finally:
        if freezer:
            freezer.stop()
        for a in agents:
            if a.alive():
                a.proc.send_signal(signal.SIGKILL)
                a.proc.wait()
            a.log.close()
        if args.keep:
            print(f"logs kept in {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def idle_phase(args, agents, report):
    """Idle traffic."""
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


def propagate_phase(args, agents, report):
    """Propagation of a registration."""
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


def kill_phase(args, agents, report):
    """kill -9 detection."""
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


def leave_phase(agents, report):
    """Graceful leave."""
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


if __name__ == "__main__":
    main()

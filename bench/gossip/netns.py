#!/usr/bin/env python3
"""Tier-C gossip benchmark: N real `roster agent` processes, each in its own
network namespace with its own address, joined by veth pairs to one bridge.

The bridge lives in a hub namespace that this process enters (it owns the
address 198.19.255.254/15), so every agent's HTTP API is reached directly at
<agent address>:8500 through the bridge, with keep-alive connections, however
the agents are partitioned from each other. Agents use the benchmarking block
198.18.0.0/15, the `lan` profile unless --profile says otherwise, encryption on
(a fresh random 32-byte -encrypt key) unless --no-encrypt, and join one after
another, each to one of the first three agents. Every agent registers two
services (`base`, `extra`) once all are alive. Then:

  start      time until every agent lists all N alive (/v1/agent/members
             Status 1), and until every replica is identical and complete;
  partition  (--rounds times) blackhole routes, both directions, between
             the two halves; time until each side lists the other failed
             (Status 4) everywhere; then, on each side, 2 agents register a
             new service (one of them also updates its `base` service) and
             one agent deregisters a service; these must reach their own side
             and not the other one. The partition lasts --partition-seconds
             from the route insertion;
  heal       the routes are deleted; from that moment (CLOCK_MONOTONIC):
             (a) time until every agent lists every agent alive,
             (b) time until every agent's replica is identical and complete.
             Polled every --poll seconds, each poll reading on every agent
             /v1/agent/members, /v1/catalog/nodes, /v1/catalog/services,
             /v1/health/state/any and /v1/catalog/service/<name> for every
             name; the first poll where all agree (Create/ModifyIndex dropped)
             and the bench's own book-keeping is met (every registration of
             the partition visible everywhere, every deregistered ID gone
             everywhere, serfHealth passing for every node everywhere) is
             then confirmed with /v1/catalog/node/<n> and /v1/health/node/<n>
             for every node on every agent. Times are the end of the poll
             (an upper bound; the poll's start is a lower bound). The replicas
             are then watched for --settle seconds: a deregistered service
             seen again by an agent that had seen it gone is reported as a
             resurrection, with its evidence in the work dir;
  propagate  (--propagations, before the rounds) single registrations on the
             healthy cluster, one at a time: time until every other agent's
             /v1/catalog/service/<name> lists it (one blocking query per
             agent); any agent later than 1 s is named with its counters;
  kill -9    (--kills victims, after the rounds) time until every live
             agent's /v1/health/node/<victim> shows serfHealth critical (one
             blocking query per agent), checked against /v1/agent/members.

Needs root and iproute2. The kernel's ARP table is shared by all namespaces:
its limits (net.ipv4.neigh.default.gc_thresh2/3) are raised for the run when
N namespaces would overflow them, and restored at exit. Namespaces, bridge and
agents are removed on exit, Ctrl-C and errors (--cleanup-stale removes what a
killed run left). Not a test: scripts/test does not run it.

  bench/gossip/netns.py --roster build/agent/roster [-n 20] [--rounds 3] [--partition-seconds 60] [--kills 1]
"""
import argparse
import base64
import concurrent.futures
import ctypes
import http.client
import ipaddress
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ALIVE, FAILED = 1, 4
HUB_ADDR = "198.19.255.254"
NET = ipaddress.ip_network("198.18.0.0/15")
HTTP_PORT = 8500
CLONE_NEWNET = 0x40000000
PREFIX = "rgn"  # namespaces: rgn<pid>hub, rgn<pid>n<i>


def now():
    return time.monotonic()


def ip(*args, check=True, stdin=None):
    r = subprocess.run(["ip", *args], input=stdin, capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {r.stderr.strip()}")
    return r


def setns(path):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, f"setns({path}): {os.strerror(e)}")
    finally:
        os.close(fd)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(p / 100.0 * (len(values) - 1)))))]


def slowest(times, k=3):
    return ", ".join(f"{n} {t:.2f}s" for n, t in sorted(times.items(), key=lambda x: -x[1])[:k]) or "n/a"


def fmt(v):
    return "n/a" if v is None else f"{v:.2f}s"


# ---------------------------------------------------------------- HTTP


class Http:
    """Keep-alive HTTP/1.1 connections, one per (thread, agent address)."""

    def __init__(self):
        self.local = threading.local()
        self.errors = 0

    def request(self, addr, method, path, body=None, timeout=10):
        conns = self.local.__dict__.setdefault("conns", {})
        data = None if body is None else json.dumps(body).encode()
        for attempt in range(2):
            c = conns.get(addr)
            if c is None:
                c = conns[addr] = http.client.HTTPConnection(addr, HTTP_PORT, timeout=timeout)
            try:
                c.timeout = timeout
                if c.sock is not None:
                    c.sock.settimeout(timeout)
                c.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
                r = c.getresponse()
                payload = r.read()
                return r.status, r.headers, payload
            except (http.client.HTTPException, OSError):
                c.close()
                conns.pop(addr, None)
                if attempt:
                    self.errors += 1
                    raise

    def get(self, addr, path, timeout=10):
        status, headers, payload = self.request(addr, "GET", path, timeout=timeout)
        if status != 200:
            raise RuntimeError(f"GET {addr}{path}: {status} {payload[:200]!r}")
        return int(headers.get("X-Consul-Index", "0") or 0), json.loads(payload)

    def put(self, addr, path, body=None, timeout=10):
        status, _, payload = self.request(addr, "PUT", path, body, timeout=timeout)
        if status != 200:
            raise RuntimeError(f"PUT {addr}{path}: {status} {payload[:200]!r}")
        return payload


def q(s):
    return urllib.parse.quote(s, safe="")


# ---------------------------------------------------------------- views


def strip_indexes(x):
    if isinstance(x, dict):
        return {k: strip_indexes(v) for k, v in x.items() if not k.endswith("Index")}
    if isinstance(x, list):
        return [strip_indexes(v) for v in x]
    return x


def canon(x):
    return json.dumps(x, sort_keys=True, separators=(",", ":"))


def sorted_records(items):
    return sorted((strip_indexes(i) for i in (items or [])), key=canon)


def fast_view(h, addr):
    """One agent's replica as its list endpoints show it, indexes dropped."""
    _, members = h.get(addr, "/v1/agent/members")
    _, nodes = h.get(addr, "/v1/catalog/nodes")
    _, services = h.get(addr, "/v1/catalog/services")
    _, checks = h.get(addr, "/v1/health/state/any")
    instances = {}
    for name in sorted(services or {}):
        _, inst = h.get(addr, f"/v1/catalog/service/{q(name)}")
        instances[name] = sorted_records(inst)
    v = {"nodes": sorted_records(nodes),
         "services": {k: sorted(t or []) for k, t in (services or {}).items()},
         "checks": sorted_records(checks),
         "instances": instances}
    return {"members": {m["Name"]: m["Status"] for m in members}, "replica": v, "fp": canon(v), "t": now()}


def full_view(h, addr, names):
    """Per node: /v1/catalog/node/<n> and /v1/health/node/<n>."""
    out = {}
    for n in sorted(names):
        _, node = h.get(addr, f"/v1/catalog/node/{q(n)}")
        _, health = h.get(addr, f"/v1/health/node/{q(n)}")
        out[n] = {"node": strip_indexes(node), "health": sorted_records(health)}
    return out


def diff_replicas(a, b, limit=12):
    """Lines describing how replica b differs from replica a."""
    lines = []
    for section in ("nodes", "checks"):
        sa = {canon(x) for x in a[section]}
        sb = {canon(x) for x in b[section]}
        lines += [f"{section}: only in ref {x}" for x in sorted(sa - sb)]
        lines += [f"{section}: only here {x}" for x in sorted(sb - sa)]
    if a["services"] != b["services"]:
        lines.append(f"services: ref {canon(a['services'])} here {canon(b['services'])}")
    for name in sorted(set(a["instances"]) | set(b["instances"])):
        ia = {canon(x) for x in a["instances"].get(name, [])}
        ib = {canon(x) for x in b["instances"].get(name, [])}
        lines += [f"instances/{name}: only in ref {x}" for x in sorted(ia - ib)]
        lines += [f"instances/{name}: only here {x}" for x in sorted(ib - ia)]
    return lines[:limit] + ([f"... {len(lines) - limit} more"] if len(lines) > limit else [])


# ---------------------------------------------------------------- cluster


class Agent:
    def __init__(self, i, ns, addr, workdir):
        self.i, self.ns, self.addr = i, ns, addr
        self.name = f"node-{i:02d}"
        self.dir = os.path.join(workdir, self.name)
        os.makedirs(self.dir)
        self.ready_path = os.path.join(self.dir, "ready.json")
        self.log_path = os.path.join(self.dir, "agent.log")
        self.proc = None
        self.log = None
        self.side = None

    def start(self, roster, profile, key, join, log_level):
        args = ["ip", "netns", "exec", self.ns, roster, "agent", "-dev", "-node", self.name,
                "-bind", self.addr, "-advertise", self.addr, "-client", self.addr,
                "-serf-lan-port", "8301", "-http-port", str(HTTP_PORT), "-dns-port", "8600",
                "-gossip-profile", profile, "-ready-file", self.ready_path, "-log-level", log_level]
        if key:
            args += ["-encrypt", key]
        if join:
            args += ["-join", f"{join}:8301"]
        self.log = open(self.log_path, "ab")
        # Own session: a Ctrl-C on the terminal reaches the bench only, which kills the agents.
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout=60):
        deadline = now() + timeout
        while now() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}): " + open(self.log_path).read()[-2000:])
            if os.path.exists(self.ready_path) and os.path.getsize(self.ready_path) > 0:
                return
            time.sleep(0.01)
        raise RuntimeError(f"{self.name} not ready after {timeout}s")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        if self.alive():
            self.proc.kill()
            self.proc.wait()


class Net:
    """Hub namespace with the bridge, one namespace per agent."""

    def __init__(self, n):
        tag = str(os.getpid())
        self.hub = f"{PREFIX}{tag}hub"
        self.ns = [f"{PREFIX}{tag}n{i}" for i in range(n)]
        self.addr = [str(NET.network_address + i + 1) for i in range(n)]
        self.created = []
        self.root_ns_fd = None

    def build(self):
        ip("netns", "add", self.hub)
        self.created.append(self.hub)
        h = self.hub
        ip("-n", h, "link", "set", "lo", "up")
        ip("-n", h, "link", "add", "br0", "type", "bridge")
        ip("-n", h, "addr", "add", f"{HUB_ADDR}/{NET.prefixlen}", "dev", "br0")
        ip("-n", h, "link", "set", "br0", "up")
        for i, ns in enumerate(self.ns):
            ip("netns", "add", ns)
            self.created.append(ns)
            ip("-n", ns, "link", "set", "lo", "up")
            ip("-n", h, "link", "add", f"v{i}", "type", "veth", "peer", "name", "eth0", "netns", ns)
            ip("-n", h, "link", "set", f"v{i}", "master", "br0", "up")
            ip("-n", ns, "addr", "add", f"{self.addr[i]}/{NET.prefixlen}", "dev", "eth0")
            ip("-n", ns, "link", "set", "eth0", "up")
        # This process (and every thread it starts later) talks from the hub.
        self.root_ns_fd = os.open("/proc/self/ns/net", os.O_RDONLY)
        setns(f"/var/run/netns/{self.hub}")

    def routes(self, verb, groups):
        """Blackhole routes between the groups of agent indexes, all namespaces at once.
        Returns (start, end) on CLOCK_MONOTONIC."""
        procs = []
        t0 = now()
        for gi, g in enumerate(groups):
            others = [j for gj, o in enumerate(groups) if gj != gi for j in o]
            script = "".join(f"route {verb} blackhole {self.addr[j]}/32\n" for j in others)
            for i in g:
                p = subprocess.Popen(["ip", "-n", self.ns[i], "-batch", "-"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                p.stdin.write(script)
                p.stdin.close()
                procs.append((i, p))
        errors = []
        for i, p in procs:
            if p.wait(60) != 0:
                errors.append(f"{self.ns[i]}: {p.stderr.read().strip()}")
        t1 = now()
        if errors:
            raise RuntimeError(f"route {verb}: " + "; ".join(errors[:3]))
        return t0, t1

    def teardown(self):
        if self.root_ns_fd is not None:
            try:
                setns(f"/proc/self/fd/{self.root_ns_fd}")
            except OSError as e:
                print(f"cleanup: could not return to the root namespace: {e}", file=sys.stderr)
            os.close(self.root_ns_fd)
            self.root_ns_fd = None
        for ns in reversed(self.created):
            r = ip("netns", "del", ns, check=False)
            if r.returncode != 0:
                print(f"cleanup: ip netns del {ns}: {r.stderr.strip()}", file=sys.stderr)
        self.created = []


NEIGH = "/proc/sys/net/ipv4/neigh/default/gc_thresh"


def raise_neighbour_limits(n):
    """The kernel's ARP table is shared by every namespace and capped by the
    root namespace's gc_thresh3 (1024 by default): N namespaces each knowing
    N+1 neighbours overflow it from N≈31 on ("neighbor table overflow" in
    dmesg, then joins time out). Raises gc_thresh2/3 if needed; returns what
    to restore."""
    need = 2 * (n + 2) * (n + 2)
    old = {}
    for k, want in (("2", need), ("3", 2 * need)):
        with open(NEIGH + k) as f:
            cur = int(f.read())
        if cur < want:
            old[k] = cur
            with open(NEIGH + k, "w") as f:
                f.write(str(want))
    return old


def restore_neighbour_limits(old):
    for k in ("3", "2"):  # thresh2 <= thresh3 at every step
        if k in old:
            try:
                with open(NEIGH + k, "w") as f:
                    f.write(str(old[k]))
            except OSError as e:
                print(f"cleanup: could not restore {NEIGH + k}: {e}", file=sys.stderr)


def cleanup_stale():
    """Deletes rgn<pid>* namespaces whose bench process is gone."""
    r = ip("netns", "list", check=False)
    removed = []
    for line in r.stdout.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.fullmatch(rf"{PREFIX}(\d+)(hub|n\d+)", name)
        if m and not os.path.exists(f"/proc/{m.group(1)}"):
            # kill whatever still runs in it (agents of a killed run)
            pids = ip("netns", "pids", name, check=False).stdout.split()
            for pid in pids:
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            ip("netns", "del", name, check=False)
            removed.append(name)
    return removed


# ---------------------------------------------------------------- the bench


class Bench:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.h = Http()
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(max(args.n, 1), args.threads))
        self.agents = []
        self.net = None
        self.expected = {}  # service ID -> {"node", "name", "port", "tags"}
        self.gone = {}  # service ID -> owner node name (deregistered)
        self.seen_gone = {}  # service ID -> set of agent names that saw it gone
        self.resurrections = []
        self.trace = None

    # -- helpers

    def each(self, fn, agents=None):
        agents = self.agents if agents is None else agents
        live = [a for a in agents if a.alive()]
        futs = {a.name: self.pool.submit(fn, a) for a in live}
        out = {}
        for name, f in futs.items():
            try:
                out[name] = f.result()
            except Exception as e:  # noqa: BLE001: an unreachable agent is a data point
                out[name] = e
        return out

    def members(self, agents=None):
        def one(a):
            _, m = self.h.get(a.addr, "/v1/agent/members")
            return {x["Name"]: x["Status"] for x in m}
        return self.each(one, agents)

    def log(self, **kv):
        if self.trace:
            self.trace.write(json.dumps(kv, sort_keys=True) + "\n")
            self.trace.flush()

    def register(self, a, sid, name, port, tags, meta=None):
        self.h.put(a.addr, "/v1/agent/service/register",
                   {"ID": sid, "Name": name, "Port": port, "Tags": tags, "Meta": meta or {}})
        self.expected[sid] = {"node": a.name, "name": name, "port": port, "tags": tags}
        self.gone.pop(sid, None)

    def deregister(self, a, sid):
        self.h.put(a.addr, f"/v1/agent/service/deregister/{q(sid)}")
        self.expected.pop(sid)
        self.gone[sid] = a.name
        self.seen_gone[sid] = set()

    def check_expectations(self, name, replica, live_names):
        """What this agent's replica lacks against the bench's book-keeping."""
        problems = []
        nodes = {n["Node"] for n in replica["nodes"]}
        if nodes != set(live_names) | {a.name for a in self.agents if not a.alive()}:
            missing = sorted(set(live_names) - nodes)
            if missing:
                problems.append(f"nodes missing {missing}")
        serf = {c["Node"]: c["Status"] for c in replica["checks"] if c["CheckID"] == "serfHealth"}
        bad = sorted(n for n in live_names if serf.get(n) != "passing")
        if bad:
            problems.append(f"serfHealth not passing for {bad[:5]}{'...' if len(bad) > 5 else ''}")
        by_id = {}
        for svc, inst in replica["instances"].items():
            for x in inst:
                by_id[x["ServiceID"]] = x
        for sid, e in self.expected.items():
            x = by_id.get(sid)
            if x is None:
                problems.append(f"missing service {sid}")
            elif (x["Node"], x["ServiceName"], x["ServicePort"], x["ServiceTags"]) != \
                    (e["node"], e["name"], e["port"], e["tags"]):
                problems.append(f"stale service {sid}: {x['ServicePort']} {x['ServiceTags']}")
        for sid in self.gone:
            if sid in by_id:
                problems.append(f"deregistered service {sid} present")
        return problems

    def note_gone(self, name, replica, t, phase):
        """Resurrection watch: a deregistered ID seen again after this agent saw it gone."""
        present = {x["ServiceID"] for inst in replica["instances"].values() for x in inst}
        for sid in self.gone:
            if sid in present:
                if name in self.seen_gone.get(sid, set()):
                    ev = {"service": sid, "agent": name, "t": round(t, 3), "phase": phase}
                    self.resurrections.append(ev)
                    self.log(event="resurrection", **ev, replica=replica)
                    print(f"!! RESURRECTION: {sid} back on {name} ({phase})", flush=True)
                    self.seen_gone[sid].discard(name)
            else:
                self.seen_gone.setdefault(sid, set()).add(name)

    def poll(self, t0, phase, agents=None):
        """One fast poll of every live agent; returns (views, errors)."""
        views = self.each(lambda a: fast_view(self.h, a.addr), agents)
        errors = {k: repr(v) for k, v in views.items() if isinstance(v, Exception)}
        views = {k: v for k, v in views.items() if not isinstance(v, Exception)}
        for k, v in views.items():
            self.note_gone(k, v["replica"], v["t"] - t0, phase)
        return views, errors

    def converge(self, t0, phase, timeout, want_members):
        """Polls until members == want_members everywhere and replicas identical + complete.
        Returns a dict of figures (times relative to t0)."""
        live = [a for a in self.agents if a.alive()]
        live_names = [a.name for a in live]
        history = []  # (poll end, {agent: (members ok, fp, t)})
        res = {"all_alive_s": None, "identical_s": None, "verified_s": None, "polls": 0}
        last_problem_print = 0
        deadline = t0 + timeout
        views = {}
        while True:
            ps = now()
            views, errors = self.poll(t0, phase, live)
            pe = now()
            res["polls"] += 1
            row = {}
            for a in live:
                v = views.get(a.name)
                row[a.name] = None if v is None else (v["members"] == want_members, v["fp"], v["t"] - t0)
            history.append((pe - t0, row))
            members_ok = len(views) == len(live) and all(r and r[0] for r in row.values())
            if members_ok and res["all_alive_s"] is None:
                res["all_alive_s"] = round(pe - t0, 3)
                res["all_alive_poll_start_s"] = round(ps - t0, 3)
            fps = {r[1] for r in row.values() if r}
            problems = {}
            if len(views) == len(live):
                for name, v in views.items():
                    p = self.check_expectations(name, v["replica"], live_names)
                    if p:
                        problems[name] = p
            identical = len(views) == len(live) and len(fps) == 1
            self.log(phase=phase, t=round(pe - t0, 3), poll_start=round(ps - t0, 3), members_ok=members_ok,
                     distinct_replicas=len(fps), errors=errors, problems={k: v[:8] for k, v in problems.items()})
            if identical and not problems and members_ok and res["identical_s"] is None:
                res["identical_s"] = round(pe - t0, 3)
                res["identical_poll_start_s"] = round(ps - t0, 3)
                ok, detail = self.verify_full(live, live_names)
                if ok:
                    res["verified_s"] = round(now() - t0, 3)
                    break
                res["identical_s"] = None
                self.log(phase=phase, event="full check disagrees", detail=detail)
                print(f"   full check disagrees after an identical fast poll: {detail[:3]}", flush=True)
            if now() > deadline:
                res["timeout"] = True
                self.dump_disagreement(phase, views, errors, problems)
                break
            if now() - last_problem_print > 10 and phase.startswith("heal"):
                last_problem_print = now()
                some = next(iter(problems.items()), None)
                print(f"   t={pe - t0:5.1f}s members ok={members_ok} distinct replicas={len(fps)} "
                      f"agents with problems={len(problems)}" + (f" e.g. {some[0]}: {some[1][:2]}" if some else "")
                      + (f" errors={len(errors)}" if errors else ""), flush=True)
            time.sleep(max(0.0, self.args.poll - (now() - ps)))
        # Per agent: the first poll from which its members stayed all alive / its replica stayed final.
        final_fp = None
        if res["identical_s"] is not None:
            final_fp = next(iter({r[1] for r in history[-1][1].values() if r}))
        res["per_agent_alive"] = self.settled_times(history, lambda r: r is not None and r[0])
        if final_fp is not None:
            res["per_agent_identical"] = self.settled_times(history, lambda r: r is not None and r[1] == final_fp)
        res["final_views"] = views
        self.log(phase=phase, event="counters at the end", counters=self.counters_per_agent())
        return res

    @staticmethod
    def settled_times(history, ok):
        names = set()
        for _, row in history:
            names |= set(row)
        out = {}
        for name in names:
            t = None
            for pe, row in history:
                r = row.get(name)
                if ok(r):
                    if t is None:
                        t = r[2]  # that agent's own read time
                else:
                    t = None
            if t is not None:
                out[name] = t
        return out

    def verify_full(self, live, live_names):
        names = {a.name for a in self.agents}
        views = self.each(lambda a: full_view(self.h, a.addr, names), live)
        errs = {k: repr(v) for k, v in views.items() if isinstance(v, Exception)}
        if errs:
            return False, [f"errors {errs}"]
        fps = {}
        for k, v in views.items():
            fps.setdefault(canon(v), []).append(k)
        if len(fps) != 1:
            groups = sorted(fps.values(), key=len, reverse=True)
            ref = views[groups[0][0]]
            lines = []
            for g in groups[1:]:
                other = views[g[0]]
                for n in sorted(names):
                    if canon(ref[n]) != canon(other[n]):
                        lines.append(f"{g} vs {groups[0][0]}: node {n} differs: {canon(other[n])[:300]} "
                                     f"vs {canon(ref[n])[:300]}")
            return False, lines
        # serfHealth passing for every live node, per /v1/health/node.
        v = next(iter(views.values()))
        for n in live_names:
            if not any(c["CheckID"] == "serfHealth" and c["Status"] == "passing" for c in v[n]["health"]):
                return False, [f"serfHealth of {n} not passing in /v1/health/node"]
        return True, []

    def dump_disagreement(self, phase, views, errors, problems):
        path = os.path.join(self.workdir, f"disagreement-{phase}.json")
        with open(path, "w") as f:
            json.dump({"views": {k: {"members": v["members"], "replica": v["replica"]} for k, v in views.items()},
                       "errors": errors, "problems": problems, "expected": self.expected, "gone": self.gone},
                      f, indent=1, sort_keys=True)
        groups = {}
        for k, v in views.items():
            groups.setdefault(v["fp"], []).append(k)
        print(f"   NOT CONVERGED ({phase}): {len(groups)} distinct replicas over {len(views)} agents, "
              f"{len(errors)} errors; details in {path}", flush=True)
        glist = sorted(groups.values(), key=len, reverse=True)
        for g in glist[1:4]:
            print(f"   group {sorted(g)} vs {sorted(glist[0])[:3]}...:", flush=True)
            for line in diff_replicas(views[glist[0][0]]["replica"], views[g[0]]["replica"], 6):
                print(f"     {line[:300]}", flush=True)
        for name, p in list(problems.items())[:5]:
            print(f"   {name}: {p[:4]}", flush=True)
        for name, m in views.items():
            bad = {k: s for k, s in m["members"].items() if s != ALIVE}
            if bad:
                print(f"   {name} members not alive: {bad}", flush=True)

    # -- phases

    def start(self):
        a = self.args
        self.neigh_restore = raise_neighbour_limits(a.n)
        if self.neigh_restore:
            print(f"raised the kernel's ARP table limits (gc_thresh2/3, shared by all namespaces) from "
                  f"{self.neigh_restore} for this run; restored at exit", flush=True)
        self.net = Net(a.n)
        self.net.build()
        key = None if a.no_encrypt else base64.b64encode(os.urandom(32)).decode()
        self.key = key
        t0 = now()
        for i in range(a.n):
            ag = Agent(i, self.net.ns[i], self.net.addr[i], self.workdir)
            seed = self.agents[(i - 1) % min(3, i)].addr if i else None
            ag.start(a.roster, a.profile, key, seed, a.log_level)
            ag.wait_ready()  # -join is done before the ready file: one join in flight
            self.agents.append(ag)
            time.sleep(a.stagger)
        started = now() - t0
        everyone = {x.name: ALIVE for x in self.agents}
        deadline = now() + 180
        while True:
            m = self.members()
            if all(v == everyone for v in m.values()):
                break
            if now() > deadline:
                raise RuntimeError("the cluster did not converge: " +
                                   str({k: v for k, v in m.items() if v != everyone})[:1000])
            time.sleep(0.2)
        joined = now() - t0
        print(f"N={a.n} profile={a.profile} encrypted={key is not None}: started in {started:.1f}s, "
              f"all {a.n} alive everywhere after {joined:.1f}s (load {loadavg()})", flush=True)
        # Two services per agent.
        t1 = now()
        for x in self.agents:
            self.register(x, f"base-{x.name}", "base", 7000 + x.i, ["base", f"g{x.i % 3}"], {"owner": x.name})
            self.register(x, f"extra-{x.name}", "extra", 7500 + x.i, ["extra"], {"owner": x.name})
        r = self.converge(t1, "start", 120, everyone)
        print(f"registered {2 * a.n} services: every replica identical and complete after "
              f"{fmt(r['identical_s'])} (confirmed per node {fmt(r['verified_s'])}); "
              f"slowest replicas: {slowest(r.get('per_agent_identical', {}))}", flush=True)
        return {"started_s": round(started, 2), "all_alive_s": round(joined, 2),
                "initial_identical_s": r["identical_s"], "initial_verified_s": r["verified_s"]}

    def partition_round(self, rnd):
        a = self.args
        half = len(self.agents) // 2
        sides = [self.agents[:half], self.agents[half:]]
        for s, side in enumerate(sides):
            for x in side:
                x.side = s
        groups = [[x.i for x in side] for side in sides]
        phase = f"round{rnd}"
        print(f"round {rnd}: partition {len(sides[0])} | {len(sides[1])} for {a.partition_seconds:.0f}s "
              f"(load {loadavg()})", flush=True)
        p0, p1 = self.net.routes("add", groups)
        self.log(phase=phase, event="routes added", took=round(p1 - p0, 3))
        # Each side lists the other failed, its own alive.
        want = {}
        for s, side in enumerate(sides):
            for x in side:
                want[x.name] = {y.name: (ALIVE if y.side == s else FAILED) for y in self.agents}
        seen = {}
        deadline = p0 + max(60.0, a.partition_seconds + 30)
        while len(seen) < len(self.agents):
            m = self.members()
            t = now() - p0
            for name, v in m.items():
                if name not in seen and not isinstance(v, Exception) and v == want[name]:
                    seen[name] = t
            if now() > deadline:
                raise RuntimeError(f"partition not seen everywhere after {t:.0f}s: missing on "
                                   f"{sorted(set(want) - set(seen))}")
            time.sleep(0.2)
        detect = max(seen.values())
        print(f"  each side lists the other failed everywhere after {detect:.2f}s "
              f"(p50 per agent {pct(list(seen.values()), 50):.2f}s)", flush=True)
        # Writes on both sides during the partition.
        writes = []
        t_w = now()
        for s, side in enumerate(sides):
            k = len(side)
            regs = [side[rnd % k], side[(rnd + 1) % k]]
            for j, x in enumerate(regs):
                sid = f"part-r{rnd}-{x.name}"
                self.register(x, sid, f"part-r{rnd}", 9000 + 100 * rnd + x.i, [f"side{s}", f"round{rnd}"],
                              {"round": str(rnd), "side": str(s)})
                writes.append(("register", x, sid))
                if j == 0:
                    sid = f"base-{x.name}"
                    port = self.expected[sid]["port"] + 1000
                    self.register(x, sid, "base", port, ["base", f"g{x.i % 3}", f"upd-r{rnd}"], {"owner": x.name})
                    writes.append(("update", x, sid))
            dx = side[(rnd + 2) % k]
            cands = [sid for sid, e in self.expected.items() if e["node"] == dx.name and sid.startswith("extra-")] or \
                    [sid for sid, e in self.expected.items() if e["node"] == dx.name and sid.startswith("part-")]
            if cands:
                self.deregister(dx, cands[0])
                writes.append(("deregister", dx, cands[0]))
        print("  writes: " + ", ".join(f"{w} {sid} on {x.name}" for w, x, sid in writes), flush=True)
        # Own side sees them, the other side does not.
        side_of = {x.name: x.side for x in self.agents}

        def side_state(view):
            present = {i["ServiceID"]: i for inst in view["replica"]["instances"].values() for i in inst}
            out = []
            for w, x, sid in writes:
                if w == "deregister":
                    out.append(sid not in present)
                else:
                    e = self.expected[sid]
                    i = present.get(sid)
                    out.append(i is not None and i["ServicePort"] == e["port"] and i["ServiceTags"] == e["tags"])
            return out

        own_done = {}
        leaks = set()
        first_lag = None
        deadline = now() + 30
        while True:
            views, errors = self.poll(p0, phase + "-partition")
            t = now() - t_w
            lagging = {}
            for name, v in views.items():
                st = side_state(v)
                lag = [sid for (w, x, sid), ok in zip(writes, st) if x.side == side_of[name] and not ok]
                if lag:
                    lagging[name] = lag
                mine = [ok for (w, x, sid), ok in zip(writes, st) if x.side == side_of[name]]
                theirs = [ok for (w, x, sid), ok in zip(writes, st) if x.side != side_of[name]]
                if all(mine) and name not in own_done:
                    own_done[name] = v["t"] - t_w  # that agent's own read
                if any(theirs):
                    leaks.add(name)
            self.log(phase=phase + "-partition", t=round(t, 3), lagging=lagging, errors=errors)
            if first_lag is None:
                first_lag = (t, set(lagging))
            if len(own_done) == len(self.agents) or now() > deadline:
                break
            time.sleep(a.poll)
        own_max = max(own_done.values()) if len(own_done) == len(self.agents) else None
        late = sorted(((k, round(v, 2)) for k, v in own_done.items() if v > 1.0), key=lambda x: -x[1])
        print(f"  partition writes on their own side everywhere after {fmt(own_max)}"
              f"{f' (later than 1 s on {len(late)}: {dict(late[:6])}; first poll ended at {first_lag[0]:.2f}s)' if late else ''}"
              f"{'' if own_max is not None else ' (NOT everywhere: ' + str(sorted(set(side_of) - set(own_done))) + ')'}"
              f"; seen across the partition by: {sorted(leaks) or 'nobody'}", flush=True)
        # Hold the partition, still checking who sees what.
        while now() < p0 + a.partition_seconds:
            time.sleep(min(1.0, p0 + a.partition_seconds - now()))
        m = self.members()
        still = all(not isinstance(v, Exception) and v == want[k] for k, v in m.items())
        # Heal.
        c0a = self.counters_per_agent()
        self.log(phase=phase, event="counters before the heal", counters=c0a)
        c0 = {k: sum(v[k] for v in c0a.values()) for k in next(iter(c0a.values()))}
        h0, h1 = self.net.routes("del", groups)
        held = h0 - p0
        print(f"  healing after {held:.1f}s of partition (routes deleted in {1000 * (h1 - h0):.0f} ms; "
              f"partition still intact just before: {still}; load {loadavg()})", flush=True)
        everyone = {x.name: ALIVE for x in self.agents if x.alive()}
        r = self.converge(h0, f"heal{rnd}", a.heal_timeout, everyone)
        c1 = self.counters()
        cd = {k: c1[k] - c0[k] for k in ("push_pulls", "replica_syncs", "replica_fetches", "replica_records_applied",
                                          "replica_fetch_failures")}
        pa, pi = list(r.get("per_agent_alive", {}).values()), list(r.get("per_agent_identical", {}).values())
        print(f"  heal: every agent lists every agent alive after {fmt(r['all_alive_s'])} "
              f"(per agent p50 {fmt(pct(pa, 50))}, max {fmt(max(pa) if pa else None)})", flush=True)
        print(f"  heal: every replica identical and complete after {fmt(r['identical_s'])} "
              f"(poll started {fmt(r.get('identical_poll_start_s'))}; per agent p50 {fmt(pct(pi, 50))}, "
              f"max {fmt(max(pi) if pi else None)}), confirmed per node at {fmt(r['verified_s'])}; "
              f"{r['polls']} polls; during the heal, summed over agents: {cd}", flush=True)
        print(f"  heal: slowest replicas: {slowest(r.get('per_agent_identical', {}))}", flush=True)
        # Settle: stays identical, nothing comes back.
        res_before = len(self.resurrections)
        stable = True
        if r["identical_s"] is not None and a.settle > 0:
            s0 = now()
            while now() - s0 < a.settle:
                views, errors = self.poll(h0, f"heal{rnd}-settle")
                fps = {v["fp"] for v in views.values()}
                if len(fps) != 1 or errors:
                    stable = False
                    self.log(phase=f"heal{rnd}-settle", event="unstable", distinct=len(fps), errors=errors)
                time.sleep(a.poll)
            print(f"  settle {a.settle:.0f}s: replicas stayed identical: {stable}; "
                  f"resurrections: {len(self.resurrections) - res_before}", flush=True)
        return {"round": rnd, "detect_partition_s": round(detect, 3),
                "partition_writes_own_side_s": None if own_max is None else round(own_max, 3),
                "partition_leaks": sorted(leaks), "partition_held_s": round(held, 2),
                "partition_intact_before_heal": still, "routes_deleted_ms": round(1000 * (h1 - h0), 1),
                "heal_all_alive_s": r["all_alive_s"], "heal_all_alive_poll_start_s": r.get("all_alive_poll_start_s"),
                "heal_identical_s": r["identical_s"], "heal_identical_poll_start_s": r.get("identical_poll_start_s"),
                "heal_verified_s": r["verified_s"],
                "per_agent_alive_p50": pct(pa, 50), "per_agent_alive_max": max(pa) if pa else None,
                "per_agent_identical_p50": pct(pi, 50), "per_agent_identical_max": max(pi) if pi else None,
                "polls": r["polls"], "heal_counters": cd, "timeout": r.get("timeout", False), "stable_after": stable,
                "resurrections": len(self.resurrections) - res_before, "load": loadavg()}

    def watch_all(self, observers, path, pred, action, timeout=120):
        """One blocking query per observer on `path`; runs `action` once every
        watcher holds its starting index; returns {observer: seconds until pred(body)}."""
        out = {}
        box = {}
        barrier = threading.Barrier(len(observers) + 1)

        def watch(x):
            h = Http()
            body = None
            try:
                index, body = h.get(x.addr, path)
            finally:
                barrier.wait()
            if pred(body):
                out[x.name] = 0.0
                return
            deadline = now() + timeout
            while now() < deadline:
                sep = "&" if "?" in path else "?"
                index, body = h.get(x.addr, f"{path}{sep}index={index}&wait=30s", timeout=40)
                if pred(body):
                    out[x.name] = now() - box["t"]
                    return

        threads = [threading.Thread(target=watch, args=(x,), daemon=True) for x in observers]
        for t in threads:
            t.start()
        barrier.wait()
        box["t"] = now()
        action()
        for t in threads:
            t.join(timeout + 10)
        return out

    def propagation(self, count):
        """Single registrations on a healthy cluster, one at a time: time until
        every other agent's catalog lists it (blocking queries)."""
        allt, late = [], []
        for k in range(count):
            live = [x for x in self.agents if x.alive()]
            owner = live[(7 * k + 3) % len(live)]
            others = [x for x in live if x is not owner]
            sid = f"prop-{k}"
            before = self.counters_per_agent()
            out = self.watch_all(others, f"/v1/catalog/service/{sid}", lambda b: bool(b),
                                 lambda: self.register(owner, sid, sid, 6000 + k, ["prop"]), timeout=90)
            times = list(out.values())
            allt += times
            missing = [x.name for x in others if x.name not in out]
            slow = {n: round(t, 2) for n, t in out.items() if t > 1.0}
            if slow or missing:
                after = self.counters_per_agent()
                d = {n: {c: after[n][c] - before[n][c] for c in ("replica_fetches", "replica_syncs", "push_pulls",
                                                                 "replica_records_applied")}
                     for n in list(slow) + missing if n in after and n in before}
                late.append({"service": sid, "owner": owner.name, "slow": slow, "missing": missing, "counters": d})
                self.log(phase="propagation", event="late", service=sid, owner=owner.name, slow=slow,
                         missing=missing, counters_delta=d)
                print(f"  propagation {sid} from {owner.name}: later than 1 s on {slow}"
                      + (f", never on {missing}" if missing else "") + f"; their counter deltas {d}", flush=True)
        print(f"propagation of {count} single registrations to {len(self.agents) - 1} agents each: "
              f"n={len(allt)} p50 {fmt(pct(allt, 50))} p99 {fmt(pct(allt, 99))} max {fmt(max(allt) if allt else None)}; "
              f"{sum(len(x['slow']) + len(x['missing']) for x in late)} later than 1 s", flush=True)
        return {"n": len(allt), "p50": pct(allt, 50), "p99": pct(allt, 99), "max": max(allt) if allt else None,
                "late": late}

    def kill_round(self, k):
        live = [x for x in self.agents if x.alive()]
        victim = live[-1 - 2 * k]
        observers = [x for x in live if x is not victim]
        crit = lambda body: any(c["CheckID"] == "serfHealth" and c["Status"] == "critical" for c in (body or []))
        out = self.watch_all(observers, f"/v1/health/node/{victim.name}", crit, victim.kill)
        times = list(out.values())
        m = self.members(observers)
        wrong = [k2 for k2, v in m.items() if isinstance(v, Exception) or v.get(victim.name) != FAILED]
        print(f"kill -9 #{k + 1} of {victim.name}: serfHealth critical on {len(times)}/{len(observers)} live agents, "
              f"p50 {fmt(pct(times, 50))} max {fmt(max(times) if times else None)}"
              + (f"; members not failed on {wrong}" if wrong else "; members failed everywhere"), flush=True)
        return times

    def counters(self):
        tot = None
        for v in self.counters_per_agent().values():
            tot = dict(v) if tot is None else {k: tot[k] + v[k] for k in tot}
        return tot or {}

    def counters_per_agent(self):
        keys = ("replica_pending_fetches", "failures_declared", "suspicions_raised", "refutations", "push_pulls", "replica_records_applied",
                "replica_fetches", "replica_fetch_failures", "replica_syncs", "stream_errors", "streams_refused",
                "udp_send_errors", "udp_rejected")

        def one(x):
            _, s = self.h.get(x.addr, "/v1/agent/self")
            return s["Stats"]["serf_lan"]

        return {name: {k: int(v.get(k, 0)) for k in keys}
                for name, v in self.each(one).items() if not isinstance(v, Exception)}

    def close(self):
        for x in self.agents:
            try:
                x.kill()
            except Exception as e:  # noqa: BLE001
                print(f"cleanup: {x.name}: {e}", file=sys.stderr)
            if x.log:
                x.log.close()
        self.pool.shutdown(wait=False, cancel_futures=True)
        if self.net:
            self.net.teardown()
        restore_neighbour_limits(getattr(self, "neigh_restore", {}))
        if self.trace:
            self.trace.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--roster", required=True)
    ap.add_argument("-n", type=int, default=20)
    ap.add_argument("--profile", default="lan")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--partition-seconds", type=float, default=60)
    ap.add_argument("--heal-timeout", type=float, default=120, help="give up on a heal after this many seconds")
    ap.add_argument("--settle", type=float, default=5, help="seconds of watching after a heal converged")
    ap.add_argument("--propagations", type=int, default=10,
                    help="single registrations on the healthy cluster before the rounds (0: none)")
    ap.add_argument("--kills", type=int, default=1, help="kill -9 victims after the rounds (0: none)")
    ap.add_argument("--poll", type=float, default=0.25, help="seconds between polls")
    ap.add_argument("--threads", type=int, default=16, help="HTTP client threads")
    ap.add_argument("--no-encrypt", action="store_true")
    ap.add_argument("--stagger", type=float, default=0.02, help="seconds between agent starts")
    ap.add_argument("--log-level", default="info", help="the agents' -log-level")
    ap.add_argument("--keep", action="store_true", help="keep the work dir (agent logs, poll trace)")
    ap.add_argument("--cleanup-stale", action="store_true",
                    help="only delete namespaces (and their processes) left by killed runs, then exit")
    args = ap.parse_args()

    if os.geteuid() != 0 or not shutil.which("ip"):
        sys.exit("needs root and iproute2 (ip)")
    if args.cleanup_stale:
        print("removed: " + (" ".join(cleanup_stale()) or "nothing"))
        return
    if args.n < 4:
        sys.exit("-n must be at least 4 (two sides of two)")

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGINT, on_signal)  # also when started in the background with SIGINT ignored
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    workdir = tempfile.mkdtemp(prefix="roster-gossip-netns-")
    bench = Bench(args, workdir)
    bench.trace = open(os.path.join(workdir, "trace.jsonl"), "w")
    report = {"tier": "C", "n": args.n, "profile": args.profile, "encrypted": not args.no_encrypt,
              "partition_seconds": args.partition_seconds, "load_start": loadavg(), "rounds": []}
    failed = False
    try:
        report.update(bench.start())
        if args.propagations:
            report["propagation"] = bench.propagation(args.propagations)
        c0 = bench.counters()
        for rnd in range(args.rounds):
            report["rounds"].append(bench.partition_round(rnd))
        c1 = bench.counters()
        report["counters_during_rounds"] = {k: c1[k] - c0[k] for k in c0}
        det = []
        for k in range(args.kills):
            det += bench.kill_round(k)
        if args.kills:
            report["detection"] = {"n": len(det), "p50": pct(det, 50), "max": max(det) if det else None}
        report["resurrections"] = bench.resurrections
        report["http_errors"] = bench.h.errors
        report["load_end"] = loadavg()
        rs = report["rounds"]
        alive = [r["heal_all_alive_s"] for r in rs if r["heal_all_alive_s"] is not None]
        ident = [r["heal_identical_s"] for r in rs if r["heal_identical_s"] is not None]
        print(f"summary N={args.n}: heal -> all alive everywhere max {fmt(max(alive) if alive else None)} "
              f"over {len(alive)}/{len(rs)} rounds; -> identical replicas max {fmt(max(ident) if ident else None)} "
              f"over {len(ident)}/{len(rs)} rounds (target <= 30 s); resurrections {len(bench.resurrections)}; "
              f"counters {report['counters_during_rounds']}; load {loadavg()}", flush=True)
        failed = len(ident) < len(rs) or bool(bench.resurrections)
        print(json.dumps(report))
    except BaseException:
        failed = True
        raise
    finally:
        bench.close()
        if args.keep or failed:
            print(f"logs kept in {workdir}" + ("" if args.keep else " (kept because the run failed)"),
                  file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

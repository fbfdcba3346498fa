#!/usr/bin/env python3
"""DNS benchmark: Roster side by side with NSD, Knot and unbound (run.sh is
the entry point; it installs the packages and builds roster first).

One data set, loaded into every server:
  1,000 services x 3 instances on 1,000 nodes, TTL 0. Node k is `nodeKKKK`
  with address 10.0.<k/250>.<k%250+1>; instance j of service i runs on node
  (3i+j) mod 1000 (3 instances per node), port 8000+j, with no address of its
  own.
  - Roster (its own node is `bench`): every node and instance is written
    through PUT /v1/catalog/register, so Roster answers exactly the zone
    below: A records of the 3 node addresses, SRV targets
    `nodeKKKK.node.dc1.consul.` with their A in ADDITIONAL.
  - NSD and Knot: the same records as the zone `consul.` (svcNNNN.service A and
    SRV, nodeKKKK.node A and nodeKKKK.node.dc1 A, SOA with MINIMUM 0, NS
    bench.node.dc1 + glue).
  - unbound: the same records as `local-data` in a static local-zone
    (unbound adds no ADDITIONAL records to local-data answers).
One dnsperf query file, shuffled: 50 % service A, 30 % service SRV, 10 % node
A (`nodeKKKK.node.consul`), 10 % NXDOMAIN (`nosuchNNNN.service.consul`).

Each server runs alone, pinned to CPU 1 with one worker thread; dnsperf runs
pinned to CPU 0, on loopback. Per server: UDP and TCP at full speed (queries/s,
lost, mean latency from dnsperf's summary, the server's own CPU time from
/proc/<pid>/stat utime+stime of it and its children -> queries per
server-core-second), then UDP and TCP at a fixed 20k q/s with dnsperf -v for
p50/p99 latency. Finally Roster alone with 100,000 instances in its registry
(the 3,000 above plus 97,000 of 9,700 other services on the agent's node,
from a config file), same query file, UDP.
"""
import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

SERVICES, PER_SERVICE, NODES = 1000, 3, 1000
CLK_TCK = os.sysconf("SC_CLK_TCK")


def node_addr(k):
    return f"10.0.{k // 250}.{k % 250 + 1}"


def node_name(k):
    return f"node{k:04d}"


def instances():
    """(service name, instance index, node number, port) for the whole data set."""
    for i in range(SERVICES):
        for j in range(PER_SERVICE):
            yield f"svc{i:04d}", j, (3 * i + j) % NODES, 8000 + j


def records():
    """The data set as zone records (owner, type, rdata), TTL 0."""
    out = [("consul.", "SOA", "ns.consul. hostmaster.consul. 1 3600 600 86400 0"),
           ("consul.", "NS", "bench.node.dc1.consul."),
           ("bench.node.dc1.consul.", "A", "127.0.0.1"),
           ("bench.node.consul.", "A", "127.0.0.1")]
    for k in range(NODES):
        out.append((f"{node_name(k)}.node.consul.", "A", node_addr(k)))
        out.append((f"{node_name(k)}.node.dc1.consul.", "A", node_addr(k)))
    for name, _j, k, port in instances():
        out.append((f"{name}.service.consul.", "A", node_addr(k)))
        out.append((f"{name}.service.consul.", "SRV", f"1 1 {port} {node_name(k)}.node.dc1.consul."))
    return out


def write_data(d, seed=1):
    rng = random.Random(seed)
    recs = records()
    with open(os.path.join(d, "consul.zone"), "w") as f:
        f.write("$ORIGIN consul.\n$TTL 0\n")
        for owner, t, rd in recs:
            f.write(f"{owner} 0 IN {t} {rd}\n")
    with open(os.path.join(d, "unbound-data.conf"), "w") as f:
        f.write('  local-zone: "consul." static\n')
        for owner, t, rd in recs:
            f.write(f'  local-data: "{owner} 0 IN {t} {rd}"\n')
    queries = []
    for n in range(100_000):
        x = n % 10
        i = rng.randrange(SERVICES)
        if x < 5:
            queries.append(f"svc{i:04d}.service.consul A")
        elif x < 8:
            queries.append(f"svc{i:04d}.service.consul SRV")
        elif x < 9:
            queries.append(f"{node_name(rng.randrange(NODES))}.node.consul A")
        else:
            queries.append(f"nosuch{i:04d}.service.consul A")
    rng.shuffle(queries)
    with open(os.path.join(d, "queries.txt"), "w") as f:
        f.write("\n".join(queries) + "\n")


def free_port():
    # A port free for both UDP and TCP.
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
            t.bind(("127.0.0.1", 0))
            port = t.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                try:
                    u.bind(("127.0.0.1", port))
                    return port
                except OSError:
                    continue


def wait_for(pred, timeout, what):
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        pause.wait(0.1)
    raise RuntimeError(f"timed out after {timeout}s waiting for {what}")


def dig_ok(port, name="svc0000.service.consul", qtype="A", tcp=False):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), name, qtype, "+time=1", "+tries=1",
                          *(["+tcp"] if tcp else [])], capture_output=True, text=True)
    return "status: NOERROR" in out.stdout and "ANSWER: 3" in out.stdout


def cpu_ticks(pid):
    """utime+stime of pid and all its descendants (NSD forks its server)."""
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as c:
                    todo += [int(x) for x in c.read().split()]
        except (OSError, IndexError, ValueError):
            pass
    return total


class Server:
    def __init__(self, name, args, port, workdir, env=None):
        self.name, self.port, self.workdir = name, port, workdir
        self.log = open(os.path.join(workdir, f"{name}.log"), "wb")
        self.proc = subprocess.Popen(["taskset", "-c", "1", *args], stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, start_new_session=True)

    def alive(self):
        if self.proc.poll() is not None:
            with open(self.log.name, errors="replace") as f:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{f.read()[-3000:]}")
        return True

    def stop(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def start_roster(roster, d, extra_config=None, ready_timeout=60):
    port = free_port()
    ready = os.path.join(d, "roster-ready.json")
    if os.path.exists(ready):
        os.unlink(ready)
    args = [roster, "agent", "-dev", "-node", "bench", "-dns-port", str(port), "-http-port", "0",
            "-ready-file", ready, "-log-level", "warn"]
    if extra_config:
        args += ["-config-file", extra_config]
    # One DNS thread, like the anchors' one worker (all share CPU 1).
    if "-dns-threads" in subprocess.run([roster, "agent", "-h"], capture_output=True, text=True).stdout.replace("--", "-"):
        args += ["-dns-threads", "1"]
    s = Server("roster", args, port, d)
    try:
        info = wait_for(lambda: s.alive() and os.path.exists(ready) and json.load(open(ready)), ready_timeout,
                        "roster's ready file")
    except Exception:
        s.stop()
        raise
    s.http_port = info["http_port"]
    return s


def load_roster(s):
    """Writes the data set's nodes and instances through the catalog API (one
    keep-alive connection)."""
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", s.http_port, timeout=30)
    for name, j, k, port in instances():
        body = json.dumps({"Node": node_name(k), "Address": node_addr(k),
                           "Service": {"ID": f"{name}-{j}", "Service": name, "Port": port}})
        c.request("PUT", "/v1/catalog/register", body)
        r = c.getresponse()
        r.read()
        if r.status != 200:
            raise RuntimeError(f"register {name}-{j}: HTTP {r.status}")
    c.close()


def start_nsd(d):
    port = free_port()
    conf = os.path.join(d, "nsd.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
  ip-address: 127.0.0.1@{port}
  do-ip6: no
  server-count: 1
  reuseport: no
  username: ""
  chroot: ""
  zonesdir: "{d}"
  pidfile: "{d}/nsd.pid"
  database: ""
  zonelistfile: "{d}/zone.list"
  xfrdfile: "{d}/xfrd.state"
  logfile: "{d}/nsd-server.log"
  verbosity: 0
  tcp-count: 1000
  rrl-ratelimit: 0
  rrl-whitelist-ratelimit: 0
  hide-version: yes
remote-control:
  control-enable: no
zone:
  name: "consul"
  zonefile: "{d}/consul.zone"
""")
    return Server("nsd", ["nsd", "-d", "-c", conf], port, d)


def start_knot(d):
    port = free_port()
    conf = os.path.join(d, "knot.conf")
    os.makedirs(os.path.join(d, "knot-db"), exist_ok=True)
    with open(conf, "w") as f:
        f.write(f"""server:
    listen: 127.0.0.1@{port}
    rundir: "{d}"
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
    tcp-max-clients: 1000
log:
  - target: stderr
    any: warning
database:
    storage: "{d}/knot-db"
control:
    listen: "{d}/knot.sock"
zone:
  - domain: consul
    file: "{d}/consul.zone"
    journal-content: none
    zonefile-sync: -1
""")
    return Server("knot", ["knotd", "-c", conf], port, d)


def start_unbound(d):
    port = free_port()
    conf = os.path.join(d, "unbound.conf")
    with open(os.path.join(d, "unbound-data.conf")) as f:
        data = f.read()
    with open(conf, "w") as f:
        f.write(f"""server:
  interface: 127.0.0.1
  port: {port}
  do-ip6: no
  num-threads: 1
  so-reuseport: no
  do-daemonize: no
  username: ""
  chroot: ""
  directory: "{d}"
  pidfile: ""
  use-syslog: no
  logfile: ""
  verbosity: 0
  access-control: 127.0.0.0/8 allow
  incoming-num-tcp: 1000
  module-config: "iterator"
{data}""")
    return Server("unbound", ["unbound", "-d", "-c", conf], port, d)


def dnsperf(port, queries, seconds, tcp=False, rate=None, verbose=False):
    args = ["taskset", "-c", "0", "dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", queries,
            "-l", str(seconds), "-t", "2"]
    if tcp:
        args += ["-m", "tcp", "-c", "20", "-q", "200"]
    else:
        args += ["-c", "4", "-q", "500"]
    if rate:
        args += ["-Q", str(rate)]
    if verbose:
        args += ["-v"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    text = out.stdout + out.stderr

    def num(pattern, cast=float):
        m = re.search(pattern, text)
        return cast(m.group(1)) if m else None
    r = {"command": " ".join(args[3:]),
         "sent": num(r"Queries sent:\s+(\d+)", int),
         "completed": num(r"Queries completed:\s+(\d+)", int),
         "lost": num(r"Queries lost:\s+(\d+)", int),
         "qps": num(r"Queries per second:\s+([\d.]+)"),
         "mean_ms": (num(r"Average Latency \(s\):\s+([\d.]+)") or 0) * 1000,
         "resp_bytes": num(r"response (\d+)", int),
         "codes": (re.search(r"Response codes:\s+(.*)", text) or [None, ""])[1],
         # dnsperf's own CPU time: near `seconds`, the client (not the server) was the limit.
         "client_cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)}
    if verbose:
        lat = sorted(float(line.split()[-1]) for line in text.splitlines()
                     if line.startswith("> ") and not line.startswith("> T"))
        if lat:
            r["p50_ms"] = lat[len(lat) // 2] * 1000
            r["p99_ms"] = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    if r["qps"] is None:
        raise RuntimeError(f"dnsperf failed:\n{text[-2000:]}")
    return r


SERVER_CPU = 1  # taskset -c 1 (Server), dnsperf on CPU 0


def core_busy_ticks(cpu=SERVER_CPU):
    """Non-idle ticks of one CPU from /proc/stat: the server's process time plus
    what the kernel did on that core outside it (softirqs in ksoftirqd, interrupts)."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(f"cpu{cpu} "):
                v = [int(x) for x in line.split()[1:]]
                return sum(v[:8]) - v[3] - v[4]  # user..steal, minus idle and iowait
    return 0


def pin_to_server_cpu(pid):
    """Every thread of pid and its descendants onto SERVER_CPU. Knot pins its UDP
    worker thread to CPU 0 itself (where dnsperf runs), overriding taskset."""
    todo = [pid]
    while todo:
        p = todo.pop()
        subprocess.run(["taskset", "-a", "-c", "-p", str(SERVER_CPU), str(p)], capture_output=True)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children") as c:
                    todo += [int(x) for x in c.read().split()]
        except OSError:
            pass


def measure(server, queries, seconds, tcp=False, rate=None, verbose=False):
    server.alive()
    pin_to_server_cpu(server.proc.pid)
    before, core_before = cpu_ticks(server.proc.pid), core_busy_ticks()
    r = dnsperf(server.port, queries, seconds, tcp=tcp, rate=rate, verbose=verbose)
    used = (cpu_ticks(server.proc.pid) - before) / CLK_TCK
    core = (core_busy_ticks() - core_before) / CLK_TCK
    server.alive()
    r["server_cpu_s"] = used
    r["per_core"] = r["completed"] / used if used > 0 else None
    # The whole server core: a server whose sends overflow into ksoftirqd
    # (not charged to its process) shows here, not in server_cpu_s.
    r["core_busy_s"] = core
    r["per_busy_core"] = r["completed"] / core if core > 0 else None
    return r


def large_registry_config(d, total):
    """Roster config file: filler instances on the agent's node, which with the
    data set (written through the catalog after start) make `total`."""
    services = []
    k = 0
    while len(services) < total - SERVICES * PER_SERVICE:
        services.append({"name": f"filler{k // 10:05d}", "id": f"filler-{k}", "port": 9000 + k % 10,
                         "address": f"10.{100 + k // 65536}.{k // 256 % 256}.{k % 256}"})
        k += 1
    path = os.path.join(d, f"roster-{total}.json")
    with open(path, "w") as f:
        json.dump({"services": services}, f)
    return path


def run_large(args, d, queries):
    """Roster with `args.large` instances: load time, UDP at full speed and at
    the fixed rate; or {"error": ...}."""
    print(f"==> roster with {args.large} instances", file=sys.stderr, flush=True)
    cfg = large_registry_config(d, args.large)
    t = time.monotonic()
    try:
        s = start_roster(args.roster, d, extra_config=cfg, ready_timeout=args.large_timeout)
    except RuntimeError as e:
        print(f"    {e}", file=sys.stderr, flush=True)
        return {"error": f"not loaded within {args.large_timeout} s"}
    try:
        load_roster(s)
        res = {"load_s": time.monotonic() - t}
        wait_for(lambda: s.alive() and dig_ok(s.port), 60, "roster to answer")
        for label, kw in (("udp", {}), ("udp_fixed", {"rate": args.rate, "verbose": True})):
            res[label] = measure(s, queries, args.seconds, **kw)
            r = res[label]
            print(f"    {label}: {r['qps']:.0f} q/s, lost {r['lost']}, cpu {r['server_cpu_s']:.2f} s (core {r['core_busy_s']:.2f} s), "
                  f"p99 {fmt(r.get('p99_ms'), '.3f')} ms", file=sys.stderr, flush=True)
        return res
    finally:
        s.stop()


def fmt(v, spec):
    return "–" if v is None else format(v, spec)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--roster", required=True)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rate", type=int, default=20000)
    ap.add_argument("--large", type=int, default=100_000, help="instances for the large-registry run (0: skip)")
    ap.add_argument("--large-timeout", type=int, default=180, help="seconds allowed to load the large registry")
    ap.add_argument("--servers", default="roster,nsd,knot,unbound")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run the servers in turn this many times; each figure is the median round's "
                         "(this machine's speed drifts by ±15 %% within minutes)")
    ap.add_argument("--json", help="also write the raw figures here")
    args = ap.parse_args()

    d = tempfile.mkdtemp(prefix="roster-bench-dns-")
    write_data(d)
    queries = os.path.join(d, "queries.txt")
    results = {}
    starters = {"nsd": start_nsd, "knot": start_knot, "unbound": start_unbound}
    rounds = {}
    large_rounds = []  # Roster with args.large instances, run right after Roster in each round
    try:
      for rnd in range(1, args.rounds + 1):
        for name in args.servers.split(","):
            print(f"==> {name}" + (f" (round {rnd} of {args.rounds})" if args.rounds > 1 else ""),
                  file=sys.stderr, flush=True)
            if name == "roster":
                s = start_roster(args.roster, d)
                t = time.monotonic()
                load_roster(s)
                print(f"    registered {SERVICES * PER_SERVICE} instances in {time.monotonic() - t:.1f} s",
                      file=sys.stderr, flush=True)
            else:
                s = starters[name](d)
            try:
                wait_for(lambda: s.alive() and dig_ok(s.port), 60, f"{name} to answer")
                wait_for(lambda: dig_ok(s.port, "svc0999.service.consul", "SRV", tcp=True), 10, f"{name} over TCP")
                res = {}
                rounds.setdefault(name, []).append(res)
                for label, kw in (("udp", {}), ("tcp", {"tcp": True}),
                                  ("udp_fixed", {"rate": args.rate, "verbose": True}),
                                  ("tcp_fixed", {"tcp": True, "rate": args.rate, "verbose": True})):
                    res[label] = measure(s, queries, args.seconds, **kw)
                    r = res[label]
                    print(f"    {label}: {r['qps']:.0f} q/s, lost {r['lost']}, cpu {r['server_cpu_s']:.2f} s (core {r['core_busy_s']:.2f} s), "
                          f"mean {r['mean_ms']:.3f} ms, p99 {fmt(r.get('p99_ms'), '.3f')} ms, {r['codes']}",
                          file=sys.stderr, flush=True)
            finally:
                s.stop()
            if name == "roster" and args.large:
                large_rounds.append(run_large(args, d, queries))
      # Each measurement of each server: the round with the median q/s (at the
      # fixed rate, where q/s is the rate, the round with the median p99).
      def median(runs, label):
          key = (lambda r: r.get("p99_ms") or 0) if label.endswith("_fixed") else (lambda r: r["qps"])
          return sorted((r[label] for r in runs), key=key)[len(runs) // 2]
      for name, runs in rounds.items():
          results[name] = {label: median(runs, label) for label in runs[0]}
          if len(runs) > 1:
              results[name]["rounds"] = {label: [r[label]["qps"] for r in runs] for label in runs[0]}
      if large_rounds:
          loaded = [r for r in large_rounds if "error" not in r]
          if loaded:
              results["roster_large"] = sorted(loaded, key=lambda r: r["udp"]["qps"])[len(loaded) // 2]
              # Each round's ratio to the Roster run just before it (same machine state).
              results["roster_large"]["ratios"] = [
                  lg["udp"]["qps"] / small["udp"]["qps"] if "error" not in lg else None
                  for lg, small in zip(large_rounds, rounds["roster"])]
          else:
              results["roster_large"] = large_rounds[0]
    finally:
        shutil.rmtree(d, ignore_errors=True)

    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    print(report(results, args))


def report(results, args):
    lines = ["| server | transport | q/s | lost | server CPU s | q per server-core-s | CPU 1 busy s | q per CPU-1-busy-s "
             f"| dnsperf CPU s | mean ms | p99 ms @ {args.rate // 1000}k q/s | resp B | Roster / server (q/s) |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    roster = results.get("roster", {})
    for name, res in results.items():
        if name == "roster_large":
            continue
        for tr in ("udp", "tcp"):
            r, fixed = res[tr], res[f"{tr}_fixed"]
            ratio = None
            if name != "roster" and tr in roster and r["qps"]:
                ratio = roster[tr]["qps"] / r["qps"]
            lines.append(f"| {name} | {tr.upper()} | {r['qps']:,.0f} | {r['lost']} | {r['server_cpu_s']:.2f} "
                         f"| {fmt(r['per_core'], ',.0f')} | {r['core_busy_s']:.2f} | {fmt(r['per_busy_core'], ',.0f')} "
                         f"| {r['client_cpu_s']:.2f} | {r['mean_ms']:.3f} "
                         f"| {fmt(fixed.get('p99_ms'), '.3f')} "
                         f"| {r['resp_bytes']} | {fmt(ratio, '.2f')} |")
    large = results.get("roster_large")
    if large:
        if "error" in large:
            lines.append(f"| roster, {args.large:,} instances | UDP | {large['error']} | | | | | | | | | | |")
        else:
            r, fixed = large["udp"], large["udp_fixed"]
            lines.append(f"| roster, {args.large:,} instances (loaded in {large['load_s']:.0f} s) | UDP "
                         f"| {r['qps']:,.0f} | {r['lost']} | {r['server_cpu_s']:.2f} | {fmt(r['per_core'], ',.0f')} "
                         f"| {r['core_busy_s']:.2f} | {fmt(r['per_busy_core'], ',.0f')} "
                         f"| {r['client_cpu_s']:.2f} | {r['mean_ms']:.3f} | {fmt(fixed.get('p99_ms'), '.3f')} | {r['resp_bytes']} | |")
            lines += ["", f"Roster with {args.large:,} instances against Roster with {SERVICES * PER_SERVICE:,} run just "
                      "before it, UDP q/s, each round: "
                      + " / ".join("–" if x is None else f"{x:.0%}" for x in large["ratios"])]
    by_round = {n: r["rounds"] for n, r in results.items() if isinstance(r, dict) and "rounds" in r}
    if by_round:
        lines += ["", "q/s of each round (the table shows the median round's figures):", "",
                  "| server | UDP | TCP |", "| --- | --- | --- |"]
        for name, rr in by_round.items():
            lines.append(f"| {name} | {' / '.join(f'{q:,.0f}' for q in rr['udp'])} "
                         f"| {' / '.join(f'{q:,.0f}' for q in rr['tcp'])} |")
        lines.append("")
    commands = sorted({re.sub(r"-d \S+", "-d queries.txt", re.sub(r"-p \d+", "-p PORT", r["command"])) for res in results.values()
                       for r in res.values() if isinstance(r, dict) and "command" in r})
    lines += ["", "dnsperf commands (dnsperf pinned to CPU 0, the server to CPU 1):", ""]
    lines += [f"    {c}" for c in commands]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

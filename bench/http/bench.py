"""HTTP benchmark driver (see run.sh).

1. Starts `roster agent` (not -dev: compact JSON, a temp -data-dir, per-client
   limit lifted so one load generator may hold every connection) and registers
   1,000 services, each with one instance and a passing TTL check.
2. Throughput: wrk on /v1/health/service/svc-500?passing, then nginx (one
   worker, like Roster's one I/O thread) serving the very same body as a static
   file with the same Content-Type. Same wrk settings for both, one run each.
3. Churn: wrk with a Lua script alternating register and deregister of a
   service (one connection per wrk thread, so each pair is ordered).
4. Memory: RSS of the agent before and after parking N idle blocking queries
   (`?index=<current>&wait=600s` over 1,000 services), then one change that must
   answer exactly the watchers of that service.
"""
import argparse
import http.client
import json
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request


def log(msg):
    print(f"==> {msg}", file=sys.stderr, flush=True)


def wait_for(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value:
            return value
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Roster:
    def __init__(self, binary, workdir):
        self.dir = workdir
        ready = os.path.join(workdir, "ready.json")
        config = os.path.join(workdir, "bench.json")
        with open(config, "w") as f:
            json.dump({"limits": {"http_max_conns_per_client": 0}}, f)
        self.log = open(os.path.join(workdir, "roster.log"), "wb")
        self.proc = subprocess.Popen([binary, "agent", "-node", "bench", "-data-dir", os.path.join(workdir, "data"),
                                      "-http-port", "0", "-dns-port", "0", "-advertise", "127.0.0.1",
                                      "-config-file", config, "-log-level", "warn", "-ready-file", ready],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_for(lambda: os.path.exists(ready) and os.path.getsize(ready) > 0, 10, "roster's ready file")
        with open(ready) as f:
            self.port = json.load(f)["http_port"]
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def call(self, method, path, body=None):
        try:
            self.conn.request(method, path, body=None if body is None else json.dumps(body))
            r = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):  # idle > 30 s: the agent closed it
            self.conn.close()
            self.conn.request(method, path, body=None if body is None else json.dumps(body))
            r = self.conn.getresponse()
        return r.status, r.getheader("X-Consul-Index"), r.read()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()


def wrk(url, seconds, connections, threads=2, script=None):
    args = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    if script:
        args += ["-s", script]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, p99, int(errors.group(1)) if errors else 0, out


def nginx_serving(body, workdir):
    root = os.path.join(workdir, "nginx")
    os.makedirs(os.path.join(root, "html"), exist_ok=True)
    with open(os.path.join(root, "html", "passing.json"), "wb") as f:
        f.write(body)
    for path in [root, os.path.join(root, "html"), os.path.join(root, "html", "passing.json")]:
        os.chmod(path, 0o755)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = os.path.join(root, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 1000000;
  server {{
    listen 127.0.0.1:{port};
    root {root}/html;
    location / {{ default_type application/json; }}
  }}
}}
""")
    proc = subprocess.Popen(["nginx", "-p", root, "-c", conf, "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def up():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False
    wait_for(up, 10, "nginx")
    return proc, port


CHURN_LUA = """
local n = 0
local prefix = "t"
setup = function(thread) thread:set("id", tostring(math.random(1, 1e9))) end
init = function(args) prefix = "churn-" .. id end
request = function()
  n = n + 1
  if n % 2 == 1 then
    return wrk.format("PUT", "/v1/agent/service/register", {},
      '{"Name":"churn","ID":"' .. prefix .. '","Port":9000,"Tags":["a"],"Check":{"TTL":"30s","Status":"passing"}}')
  end
  return wrk.format("PUT", "/v1/agent/service/deregister/" .. prefix)
end
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--roster", required=True)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--services", type=int, default=1000)
    ap.add_argument("--idle", type=int, default=10000)
    args = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < args.idle + 100:
        raise SystemExit(f"the fd limit ({hard}) is too low for {args.idle} idle connections")
    workdir = tempfile.mkdtemp(prefix="roster-bench-http-")
    os.chmod(workdir, 0o755)  # nginx's worker (www-data) reads the body from here
    roster = Roster(args.roster, workdir)
    nginx = None
    try:
        log(f"registering {args.services} services")
        t0 = time.monotonic()
        for i in range(args.services):
            status, _, _ = roster.call("PUT", "/v1/agent/service/register",
                                       {"Name": f"svc-{i}", "ID": f"svc-{i}", "Port": 10000 + i, "Tags": ["v1", "bench"],
                                        "Meta": {"team": "bench"}, "Check": {"TTL": "3600s", "Status": "passing"}})
            assert status == 200
        register_s = time.monotonic() - t0
        path = f"/v1/health/service/svc-{args.services // 2}?passing"
        status, _, body = roster.call("GET", path)
        assert status == 200 and json.loads(body), body

        log("wrk on roster")
        r_rps, r_p99, r_err, _ = wrk(f"http://127.0.0.1:{roster.port}{path}", args.seconds, args.connections)
        nginx, nginx_port = nginx_serving(body, workdir)
        log("wrk on nginx")
        n_rps, n_p99, n_err, _ = wrk(f"http://127.0.0.1:{nginx_port}/passing.json", args.seconds, args.connections)
        with urllib.request.urlopen(f"http://127.0.0.1:{nginx_port}/passing.json") as r:
            assert r.read() == body and r.headers["Content-Type"] == "application/json", "nginx serves another body"
        nginx.terminate()
        nginx.wait(10)
        nginx = None

        log("register/deregister churn")
        script = os.path.join(workdir, "churn.lua")
        with open(script, "w") as f:
            f.write(CHURN_LUA)
        c_rps, c_p99, c_err, _ = wrk(f"http://127.0.0.1:{roster.port}", args.seconds, 2, threads=2, script=script)

        log(f"parking {args.idle} blocking queries")
        before = rss_kib(roster.proc.pid)
        indexes = {}
        for i in range(args.services):
            _, index, _ = roster.call("GET", f"/v1/health/service/svc-{i}")
            indexes[i] = index
        watchers = []
        for n in range(args.idle):
            s = socket.create_connection(("127.0.0.1", roster.port))
            svc = n % args.services
            s.sendall(f"GET /v1/health/service/svc-{svc}?index={indexes[svc]}&wait=600s HTTP/1.1\r\n"
                      f"Host: bench\r\n\r\n".encode())
            watchers.append(s)
        # Every request has been read once the agent answers a later one on the same loop.
        assert roster.call("GET", "/v1/status/leader")[0] == 200
        wait_for(lambda: roster.call("GET", "/v1/status/leader")[0] == 200, 5, "the agent")
        samples = []
        for _ in range(10):
            samples.append(rss_kib(roster.proc.pid))
            time.sleep(0.2)
        after = max(samples)
        # One change answers exactly the watchers of that service.
        roster.call("PUT", "/v1/agent/check/warn/service:svc-7")
        woken = [s for n, s in enumerate(watchers) if n % args.services == 7]
        for s in woken:
            s.settimeout(30)
            assert s.recv(100).startswith(b"HTTP/1.1 200"), "a watcher of svc-7 was not answered"
        others = watchers[8:18]
        for s in others:
            s.setblocking(False)
            try:
                data = s.recv(100)
                raise SystemExit(f"a watcher of another service was answered: {data!r}")
            except BlockingIOError:
                pass
        for s in watchers:
            s.close()

        ratio = r_rps / n_rps
        print()
        print("| measurement | roster | nginx 1.22 (1 worker, static file) | ratio |")
        print("| --- | --- | --- | --- |")
        print(f"| GET {path} ({len(body)} bytes), wrk -t2 -c{args.connections} -d{args.seconds}s | "
              f"{r_rps:,.0f} req/s (p99 {r_p99}, non-2xx {r_err}) | {n_rps:,.0f} req/s (p99 {n_p99}, non-2xx {n_err}) | "
              f"{ratio:.2f} |")
        print(f"| register {args.services} services, one keep-alive client, sequential | "
              f"{args.services / register_s:,.0f} registrations/s | | |")
        print(f"| register+deregister churn, wrk -t2 -c2 (one service per connection) | "
              f"{c_rps:,.0f} ops/s = {c_rps / 2:,.0f} pairs/s (p99 {c_p99}, non-2xx {c_err}) | | |")
        print(f"| RSS idle, {args.services} services | {before / 1024:.1f} MiB | | |")
        print(f"| RSS with {args.idle:,} idle blocking queries | {after / 1024:.1f} MiB "
              f"({(after - before) * 1024 / args.idle:,.0f} bytes per query) | | |")
        print()
        print(f"target: roster >= 0.5 x nginx: {'met' if ratio >= 0.5 else 'NOT met'} ({ratio:.2f}); "
              f"RSS <= 100 MB with {args.idle:,} idle queries: {'met' if after / 1024 <= 100 else 'NOT met'}")
    finally:
        if nginx:
            nginx.terminate()
        roster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

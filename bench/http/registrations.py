"""Registrations per second with persistence on (see run.sh).

Starts `roster agent` without -dev (a temp -data-dir: every acknowledged write
is in the state log, fsynced, before its 200), registers --base services with
a TTL check, then drives C keep-alive connections, one request in flight on
each. Every connection loops:

    PUT /v1/agent/service/register        (a fresh ID, TTL check)
    PUT /v1/agent/check/pass/service:<id>
    PUT /v1/agent/service/deregister/<id>

A registration is one such cycle; registrations/s = requests/s / 3. Then the
agent is killed with SIGKILL and restarted on the same data dir: exactly the
--base services must come back (every deregistration was durable too).

--client regload (default): bench/http/regload.cpp, compiled here with g++,
multiplexes the connections over --client-threads epoll threads. --client wrk:
wrk with one thread per connection and the Lua script below (wrk's Lua state is
per thread, so that is how it keeps each connection's requests in order); on a
2-core machine its 64 threads cost about as much CPU per request as the agent.
Both send the same requests and count the same way.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))

LUA = """
-- The step follows the responses seen (wrk may call request() once more than it sends).
local done = 0
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("id", tostring(threads) .. "-" .. tostring(os.time()))
end
request = function()
  local step = done % 3
  local sid = "reg-" .. id .. "-" .. (done - step) / 3
  if step == 0 then
    return wrk.format("PUT", "/v1/agent/service/register", {},
      '{"Name":"reg","ID":"' .. sid .. '","Port":9000,"Tags":["a"],"Check":{"TTL":"30s"}}')
  elseif step == 1 then
    return wrk.format("PUT", "/v1/agent/check/pass/service:" .. sid .. "?note=ok")
  end
  return wrk.format("PUT", "/v1/agent/service/deregister/" .. sid)
end
response = function(status, headers, body)
  if status >= 300 then io.stderr:write("non-2xx " .. status .. ": " .. body .. "\\n") end
  done = done + 1
end
"""


def log(msg):
    print(f"==> {msg}", file=sys.stderr, flush=True)


def start(binary, workdir):
    ready = os.path.join(workdir, "ready.json")
    if os.path.exists(ready):
        os.unlink(ready)
    config = os.path.join(workdir, "bench.json")
    with open(config, "w") as f:
        json.dump({"limits": {"http_max_conns_per_client": 0}}, f)
    logf = open(os.path.join(workdir, "roster.log"), "ab")
    proc = subprocess.Popen([binary, "agent", "-node", "bench", "-data-dir", os.path.join(workdir, "data"),
                             "-http-port", "0", "-dns-port", "0", "-advertise", "127.0.0.1",
                             "-config-file", config, "-log-level", "warn", "-ready-file", ready],
                            stdout=logf, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not (os.path.exists(ready) and os.path.getsize(ready) > 0):
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit("roster did not start")
        time.sleep(0.05)
    with open(ready) as f:
        return proc, json.load(f)["http_port"]


def run_wrk(args, port, workdir):
    script = os.path.join(workdir, "reg.lua")
    with open(script, "w") as f:
        f.write(LUA)
    out = subprocess.run(["wrk", "-t", str(args.connections), "-c", str(args.connections),
                          "-d", f"{args.seconds}s", "--latency", "-s", script, f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True, check=True)
    sys.stderr.write(out.stderr)
    out = out.stdout
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    return (float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), int(non2xx.group(1)) if non2xx else 0,
            p99.group(1) if p99 else "?")


def run_regload(args, port, workdir):
    binary = os.path.join(workdir, "regload")
    subprocess.run(["g++", "-std=c++20", "-O2", "-pthread", os.path.join(HERE, "regload.cpp"), "-o", binary],
                   check=True)
    out = subprocess.run([binary, str(port), str(args.connections), str(args.seconds), str(args.client_threads)],
                         capture_output=True, text=True, check=True)
    sys.stderr.write(out.stderr[-2000:])
    r = json.loads(out.stdout)
    return r["requests"] / r["seconds"], r["non2xx"] + r["errors"], f"{r['p99_us'] / 1000:.2f}ms"


def services(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/agent/services") as r:
        return json.load(r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--roster", required=True)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--base", type=int, default=1000, help="services registered before the run")
    ap.add_argument("--client", choices=["regload", "wrk"], default="regload", help="load generator")
    ap.add_argument("--client-threads", type=int, default=2, help="regload's epoll threads")
    args = ap.parse_args()

    workdir = tempfile.mkdtemp(prefix="roster-regbench-")
    proc = None
    try:
        proc, port = start(args.roster, workdir)
        log(f"registering {args.base} base services")
        for i in range(args.base):
            body = json.dumps({"Name": f"svc-{i}", "ID": f"svc-{i}", "Port": 8000 + i % 1000,
                               "Check": {"TTL": "300s", "Status": "passing"}}).encode()
            urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/v1/agent/service/register",
                                                          data=body, method="PUT")).read()
        log(f"{args.client}: {args.connections} connections, {args.seconds} s, register+pass+deregister")
        rps, errors, p99 = (run_wrk if args.client == "wrk" else run_regload)(args, port, workdir)
        load = open("/proc/loadavg").read().split()[:3]
        log_size = os.path.getsize(os.path.join(workdir, "data", "agent-state.log"))

        log("kill -9 and restart on the same data dir")
        proc.kill()
        proc.wait()
        proc, port = start(args.roster, workdir)
        left = services(port)
        # Each connection may stop between its register and its deregister.
        in_flight = [k for k in left if k.startswith("reg-")]
        durable = (all(f"svc-{i}" in left for i in range(args.base)) and len(in_flight) <= args.connections
                   and len(left) == args.base + len(in_flight))
        client = (f"wrk -t{args.connections} -c{args.connections}" if args.client == "wrk"
                  else f"regload -c{args.connections} ({args.client_threads} threads)")
        print(f"| registrations (register+pass+deregister), {client}, "
              f"{args.base} base services, -data-dir | {rps / 3:,.0f} registrations/s ({rps:,.0f} writes/s) | "
              f"p99 {p99} | non-2xx/errors {errors} | after kill -9: "
              f"{args.base} base + {len(in_flight)} in flight{'' if durable else ' (WRONG)'} | load {' '.join(load)} | "
              f"state log {log_size / 1024:,.0f} KiB |")
        if errors or not durable:
            sys.exit(1)
    finally:
        if proc and proc.poll() is None:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Registrations per second with persistence on (see run.sh).

Starts `roster agent` without -dev (a temp -data-dir: every acknowledged write
is in the state log, fsynced, before its 200), registers --base services with
a TTL check, then runs wrk with C connections (one per wrk thread, so each
connection's requests are ordered). Every connection loops:

    PUT /v1/agent/service/register        (a fresh ID, TTL check)
    PUT /v1/agent/check/pass/service:<id>
    PUT /v1/agent/service/deregister/<id>

A registration is one such cycle; registrations/s = requests/s / 3. Then the
agent is killed with SIGKILL and restarted on the same data dir: exactly the
--base services must come back (every deregistration was durable too).
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


def services(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/agent/services") as r:
        return json.load(r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--roster", required=True)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--base", type=int, default=1000, help="services registered before the run")
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
        script = os.path.join(workdir, "reg.lua")
        with open(script, "w") as f:
            f.write(LUA)
        log(f"wrk: {args.connections} connections, {args.seconds} s, register+pass+deregister")
        out = subprocess.run(["wrk", "-t", str(args.connections), "-c", str(args.connections),
                              "-d", f"{args.seconds}s", "--latency", "-s", script, f"http://127.0.0.1:{port}"],
                             capture_output=True, text=True, check=True)
        sys.stderr.write(out.stderr)
        out = out.stdout
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        p99 = re.search(r"99%\s+([\d.]+\w+)", out)
        errors = int(non2xx.group(1)) if non2xx else 0
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
        print(f"| registrations (register+pass+deregister), wrk -t{args.connections} -c{args.connections}, "
              f"{args.base} base services, -data-dir | {rps / 3:,.0f} registrations/s ({rps:,.0f} writes/s) | "
              f"p99 {p99.group(1) if p99 else '?'} | non-2xx {errors} | after kill -9: "
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

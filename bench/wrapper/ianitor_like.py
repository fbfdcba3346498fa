"""What ianitor does, reduced to its loop, with python-consul 0.7.1 (ianitor
itself is not installable here): register with a TTL check, start the child,
pass the check every heartbeat while polling the child, deregister after the
child is seen to have exited. Usage: ianitor_like.py HOST:PORT NAME -- CMD...

As in ianitor's script.py/service.py: the child is polled once per heartbeat
(ttl/10 = 1 s by default), a ConsulException on ttl_pass re-registers, and the
deregistration happens when the loop notices the exit."""
import subprocess
import sys
import time

import consul


def main():
    agent, name = sys.argv[1], sys.argv[2]
    command = sys.argv[sys.argv.index("--") + 1:]
    host, port = agent.split(":")
    ttl, heartbeat = 10.0, 1.0
    session = consul.Consul(host=host, port=int(port))
    service_id, check_id = name, f"service:{name}"

    def register():
        session.agent.service.register(name, service_id=service_id, check=consul.Check.ttl(f"{int(ttl)}s"))

    process = subprocess.Popen(command)
    register()
    try:
        while process.poll() is None:
            try:
                session.agent.check.ttl_pass(check_id)
            except consul.ConsulException:
                register()
            time.sleep(heartbeat)
    finally:
        session.agent.service.deregister(service_id)
    return 0  # ianitor exits 0 whatever the child did


if __name__ == "__main__":
    sys.exit(main())

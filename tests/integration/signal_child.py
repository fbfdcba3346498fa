"""A child for wrapper tests: records every signal it gets, exits 7 on SIGTERM."""
import os
import signal
import sys

out = sys.argv[1]


def record(sig, _frame):
    with open(out, "a") as f:
        f.write(f"{signal.Signals(sig).name}\n")
    if sig == signal.SIGTERM:
        sys.exit(7)


for s in (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM):
    signal.signal(s, record)
with open(out + ".ready", "w") as f:
    f.write(str(os.getpid()))
while True:
    signal.pause()

"""A child for wrapper tests: records every signal it gets (one name a line,
real-time ones as SIGRTMIN+N) in OUT, and in OUT.times the same name with the
CLOCK_MONOTONIC time its handler ran ("NAME SECONDS" a line; the clock is
system-wide, so a test can compare it with its own). Exits on the signals
named in the optional second argument, NAME=STATUS[,NAME=STATUS...]; by
default on SIGTERM only, with status 7."""
import os
import signal
import sys
import time

out = sys.argv[1]
EXITS = {signal.Signals[name]: int(status)
         for name, status in (item.split("=") for item in (sys.argv[2] if len(sys.argv) > 2 else "SIGTERM=7").split(","))}


def name_of(sig):
    if signal.SIGRTMIN < sig < signal.SIGRTMAX:
        return f"SIGRTMIN+{sig - signal.SIGRTMIN}"
    return signal.Signals(sig).name


def record(sig, _frame):
    now = time.clock_gettime(time.CLOCK_MONOTONIC)
    with open(out + ".times", "a") as f:
        f.write(f"{name_of(sig)} {now!r}\n")
    with open(out, "a") as f:
        f.write(f"{name_of(sig)}\n")
    if sig in EXITS:
        sys.exit(EXITS[sig])


CATCH = [signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM,
         signal.SIGWINCH, signal.SIGALRM, signal.SIGURG, signal.SIGCONT, signal.SIGTSTP, signal.SIGTTIN,
         signal.SIGTTOU, signal.SIGVTALRM, signal.SIGPROF, signal.SIGIO, signal.SIGPWR, signal.SIGXCPU,
         signal.SIGXFSZ, *range(signal.SIGRTMIN, signal.SIGRTMAX + 1)]
for s in CATCH:
    signal.signal(s, record)
with open(out + ".ready", "w") as f:
    f.write(str(os.getpid()))
while True:
    signal.pause()

"""A child for wrapper tests: records every signal it gets (one name a line,
real-time ones as SIGRTMIN+N), exits 7 on SIGTERM."""
import os
import signal
import sys

out = sys.argv[1]


def name_of(sig):
    if signal.SIGRTMIN < sig < signal.SIGRTMAX:
        return f"SIGRTMIN+{sig - signal.SIGRTMIN}"
    return signal.Signals(sig).name


def record(sig, _frame):
    with open(out, "a") as f:
        f.write(f"{name_of(sig)}\n")
    if sig == signal.SIGTERM:
        sys.exit(7)


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

"""Run several commands as one: `python -m portal.supervisor "CMD1" "CMD2" …`.

`make run` uses it for the web server and the background worker: both start, and when
either ends (or Ctrl-C, SIGTERM or SIGHUP reaches the supervisor) the others are asked to
stop (SIGTERM), then killed after a grace period. The exit status is the first command's
to end (or 0 after a signal). Each command runs in its own process group, so a command's
children (the reloader of `flask run`, say) stop with it.
"""
import os
import shlex
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 10


def _stop(procs, grace=GRACE_SECONDS):
    for proc in procs:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()


def supervise(commands, grace=GRACE_SECONDS, poll=0.2):
    """Start `commands` (argument lists); return when all have stopped, with an exit status."""
    stopping = []

    def on_signal(signum, frame):
        stopping.append(signum)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    procs = []
    try:
        for command in commands:
            procs.append(subprocess.Popen(command, start_new_session=True))
        while True:
            ended = [p for p in procs if p.poll() is not None]
            if ended or stopping:
                status = 0 if stopping else ended[0].returncode
                names = " ".join(ended[0].args) if ended and not stopping else "a signal"
                print(f"supervisor: stopping everything after {names}", file=sys.stderr, flush=True)
                _stop(procs, grace)
                return status
            time.sleep(poll)
    finally:
        _stop(procs, grace)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    return supervise([shlex.split(command) for command in argv])


if __name__ == "__main__":
    sys.exit(main())

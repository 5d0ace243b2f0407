"""What gunicorn's own log says about its workers: the ones that died rather than finished.

A worker killed by a signal (SIGSEGV, SIGABRT, SIGKILL…) takes its in-flight requests with it;
the client sees a closed socket, not a 5xx, so only the arbiter's log tells. The arbiter writes

    [ERROR] Worker (pid:3406) was sent SIGSEGV!
    [ERROR] Worker (pid:3406) was sent code 139!        (139 = core dumped | SIGSEGV)
    [ERROR] Worker (pid:3406) was sent SIGKILL! Perhaps out of memory?
    [ERROR] Worker (pid:3406) exited with code 1
    [CRITICAL] WORKER TIMEOUT (pid:3406)

A worker recycled by max_requests or stopped at shutdown exits with 0 and writes none of these.
"""
import re
import signal

_SENT = re.compile(r"Worker \(pid:(\d+)\) was sent (SIG[A-Z0-9]+|code (\d+))!")
_EXITED = re.compile(r"Worker \(pid:(\d+)\) exited with code (\d+)")
_TIMEOUT = re.compile(r"WORKER TIMEOUT \(pid:(\d+)\)")


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def worker_deaths(text):
    """[(pid, how)] for every worker that died, in log order; how is e.g. "SIGSEGV",
    "SIGSEGV (core dumped)", "exit code 1", "timeout"."""
    deaths, seen = [], set()
    for line in text.splitlines():
        if match := _SENT.search(line):
            pid, how = int(match.group(1)), match.group(2)
            if match.group(3):
                status = int(match.group(3))
                how = _signal_name(status & 0x7F) + (" (core dumped)" if status & 0x80 else "")
        elif match := _EXITED.search(line):
            pid, how = int(match.group(1)), f"exit code {match.group(2)}"
        elif match := _TIMEOUT.search(line):
            pid, how = int(match.group(1)), "timeout"
        else:
            continue
        # gunicorn writes "exited with code N" twice for the same worker.
        if (pid, how) not in seen:
            seen.add((pid, how))
            deaths.append((pid, how))
    return deaths


def signalled(deaths):
    """The deaths by a signal (a crash or a kill), the worst kind."""
    return [(pid, how) for pid, how in deaths if how.startswith("SIG") or how.startswith("signal")]

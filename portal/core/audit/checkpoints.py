"""Checkpoints: the head of the log appended to a file outside the database."""
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app

from portal.core.audit.chain import AuditHead, chain_pending, checkpoint_mac, digests_equal
from portal.core.timeutil import utcnow
from portal.extensions import db

CHECKPOINT_PREFIX = "sangkien-audit-checkpoint v1"
CHECKPOINT_LINE = re.compile(
    r"^" + re.escape(CHECKPOINT_PREFIX) + r" seq=(?P<seq>\d+) hash=(?P<hash>[0-9a-f]{64}) "
    r"at=(?P<at>\S+) mac=(?P<mac>[0-9a-f]{64})$")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    mac: str

    @property
    def line(self):
        return f"{CHECKPOINT_PREFIX} seq={self.seq} hash={self.hash} at={self.at} mac={self.mac}"

    @property
    def moment(self):
        """When it was taken, as naive UTC like every stored time."""
        return datetime.strptime(self.at, "%Y-%m-%dT%H:%M:%SZ")

    def genuine(self):
        return digests_equal(self.mac, checkpoint_mac(self.seq, self.hash, self.at))


def checkpoint_path():
    configured = os.environ.get("PORTAL_AUDIT_CHECKPOINTS") or current_app.config.get("AUDIT_CHECKPOINT_FILE")
    return Path(configured) if configured else Path(current_app.instance_path) / "audit-checkpoints.log"


def read_checkpoints(path):
    """The checkpoint lines of a file: [(line number, Checkpoint or None when unreadable)]."""
    path = Path(path)
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = CHECKPOINT_LINE.match(line)
        found.append((number, Checkpoint(int(match["seq"]), match["hash"], match["at"], match["mac"])
                      if match else None))
    return found


def last_checkpoint(path):
    """The last line of the file that reads as a checkpoint (read from the end: the file only grows)."""
    path = Path(path)
    if not path.exists():
        return None
    with path.open("rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - 4096))
        tail = f.read().decode("utf-8", "replace").splitlines()
    for line in reversed(tail):
        match = CHECKPOINT_LINE.match(line.strip())
        if match:
            return Checkpoint(int(match["seq"]), match["hash"], match["at"], match["mac"])
    return None


def write_checkpoint(path=None):
    """Append the head to the checkpoint file (created 0600, opened for appending only)."""
    chain_pending()
    head = db.session.get(AuditHead, 1)
    db.session.refresh(head)
    at = utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")
    point = Checkpoint(head.seq, head.last_hash, at, checkpoint_mac(head.seq, head.last_hash, at))
    path = Path(path or checkpoint_path())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (point.line + "\n").encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return point

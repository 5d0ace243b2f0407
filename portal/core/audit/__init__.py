"""Append-only, hash-chained and sealed audit log (nhật ký kiểm tra).

Three things make the log hard to rewrite without being noticed:

- Each event is **sealed** when it is written: `mac` is an HMAC of its id and content
  under the audit key, which is not in the database (derived from `AUDIT_KEY`, else
  from the instance's `SECRET_KEY`, with a label). Someone who can write SQL but does
  not hold the key cannot edit, forge or copy an event.
- Events are **chained**: each stores the hash of the one before it and its place
  (`seq`) in the chain; the head row keeps the last place and hash under its own HMAC,
  so deleting the tail and rewinding the head is noticed too.
- **Checkpoints** (`flask --app portal audit checkpoint`) append the head (place, hash,
  time, HMAC) to a file outside the database and print it for keeping off the server:
  a log wiped or rebuilt from scratch no longer holds what a checkpoint saw.

Writing and chaining are apart so that no request holds a lock for long: `record`
inserts the sealed event in the caller's transaction (no lock), and right after that
transaction commits the pending events are chained in id order in a short transaction
of their own, which is the only place the head row is locked. A rolled-back event is
never chained, so the chain has no gaps; an event without a valid seal is never chained.
"""
from portal.core.audit.chain import (
    GENESIS,
    AuditEvent,
    AuditHead,
    audit_key,
    chain_pending,
    compute_hash,
    ensure_head,
    event_mac,
    payload_of,
    record,
)
from portal.core.audit.checkpoints import (
    CHECKPOINT_PREFIX,
    Checkpoint,
    checkpoint_path,
    last_checkpoint,
    read_checkpoints,
    write_checkpoint,
)
from portal.core.audit.verification import RecentCheck, check_shown, seal_unsealed, verify, verify_recent

__all__ = [
    "CHECKPOINT_PREFIX", "GENESIS", "AuditEvent", "AuditHead", "Checkpoint", "RecentCheck", "audit_key",
    "chain_pending", "check_shown", "checkpoint_path", "compute_hash", "ensure_head", "event_mac",
    "last_checkpoint", "payload_of", "read_checkpoints", "record", "seal_unsealed", "verify", "verify_recent",
    "write_checkpoint",
]

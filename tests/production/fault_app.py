"""The portal with a test-only pause inside the transaction, for the fault tests.

gunicorn loads it as `fault_app:create()`. With PORTAL_FAULT_PAUSE_AFTER_FLUSH=<table>
and PORTAL_FAULT_MARKER=<path>, the first flush that inserts a row into <table>
writes the worker's pid to the marker file and sleeps, still inside the
transaction, so that the test can kill the worker at exactly that point. Only
once: when the marker exists the hook does nothing.
"""
import os
import time
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import create_app


def create():
    app = create_app()
    table = os.environ.get("PORTAL_FAULT_PAUSE_AFTER_FLUSH")
    marker = os.environ.get("PORTAL_FAULT_MARKER")
    if table and marker:
        @event.listens_for(Session, "after_flush")
        def pause_inside_the_transaction(session, flush_context):
            if os.path.exists(marker):
                return
            if any(getattr(obj, "__tablename__", None) == table for obj in session.new):
                temp = Path(f"{marker}.tmp")
                temp.write_text(str(os.getpid()))
                temp.replace(marker)
                time.sleep(120)
    return app

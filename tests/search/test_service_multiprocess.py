"""Several processes publish, unpublish and search at once; then index and database agree."""
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.publishing.models import Publication, live_condition
from portal.search import service
from portal.search.engine import SearchIndex

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 4
OPERATIONS = 25


def _published_ids():
    return set(db.session.execute(
        select(Initiative.id).join(Publication, Publication.initiative_id == Initiative.id)
        .where(live_condition())).scalars())


def test_workers_publishing_and_searching_leave_index_and_database_equal(
        app, make_recognized, published, editor):
    topics = ["kiểm sát tạm giam", "hồ sơ điện tử", "kiểm sát thi hành án"]
    for n in range(12):
        if n % 2:
            published(f"Sáng kiến {n}: {topics[n % 3]}")
        else:
            make_recognized(f"Sáng kiến {n}: {topics[n % 3]}")
    service.catch_up(service.PUBLIC, wait=service.WRITE_WAIT)
    db.session.commit()
    url = db.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PORTAL_INSTANCE_PATH", None)
    env.pop("DATABASE_URL", None)
    processes = [
        subprocess.Popen(
            [sys.executable, "-W", "error", "-m", "tests.search.mp_worker", url, app.instance_path,
             app.config["SEARCH_INDEX_DIR"], str(seed), str(OPERATIONS)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for seed in range(WORKERS)
    ]
    # Every process is waited for before any is judged: a failed one must not
    # leave the others' pipes open for the next test to trip over.
    finished = [(process, *process.communicate(timeout=300)) for process in processes]
    reports = []
    for process, out, err in finished:
        assert process.returncode == 0, err[-3000:]
        reports.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(r["published"] + r["unpublished"] for r in reports) > 0
    assert sum(r["searches"] for r in reports) > 0

    db.session.expire_all()
    expected = _published_ids()
    assert service.catch_up(service.PUBLIC, wait=service.WRITE_WAIT)
    assert service.get_index(service.PUBLIC).all_ids() == expected
    # A fresh look at the directory (as another process would have) agrees too.
    fresh = SearchIndex(str(service.live_path(service.PUBLIC)))
    try:
        assert fresh.all_ids() == expected
    finally:
        fresh.close()
    found = service.search_public("sang kien", per_page=100)
    assert {i.id for _hit, i in found.items} == expected

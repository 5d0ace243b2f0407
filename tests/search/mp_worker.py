"""One worker process of the multi-process search test (run with `python -m`).

Publishes, unpublishes and searches at random against a shared database and
a shared index directory, as a gunicorn worker would.
"""
import json
import random
import sys


def main(db_url, instance, index_dir, seed, operations):
    from sqlalchemy import select

    from portal import create_app
    from portal.auth.models import user_by_username
    from portal.core.refusal import Refusal
    from portal.extensions import db
    from portal.initiatives.models import Initiative
    from portal.initiatives.workflow import Status
    from portal.publishing import operations as publishing
    from portal.search import service

    app = create_app({
        "TESTING": True, "SECRET_KEY": "mp", "SQLALCHEMY_DATABASE_URI": db_url,
        "INSTANCE_PATH": instance, "SEARCH_INDEX_DIR": index_dir,
    })
    rng = random.Random(seed)
    done = {"published": 0, "unpublished": 0, "refused": 0, "searches": 0, "stale": 0}
    with app.test_request_context("/"):
        editor = user_by_username("bientap")
        ids = list(db.session.execute(select(Initiative.id).where(
            Initiative.status == Status.recognized)).scalars())
        for _ in range(operations):
            if rng.random() < 0.6:
                initiative = db.session.get(Initiative, rng.choice(ids))
                try:
                    if initiative.publication is not None and initiative.publication.is_published:
                        publishing.unpublish(initiative, editor, "Kiểm thử nhiều tiến trình")
                        done["unpublished"] += 1
                    else:
                        publishing.publish(initiative, editor)
                        done["published"] += 1
                    db.session.commit()
                except Refusal:
                    db.session.rollback()  # another worker got there first
                    done["refused"] += 1
            else:
                found = service.search_public(rng.choice(["kiem sat", "tạm giam", "hồ sơ"]),
                                              per_page=50)
                assert not found.unavailable
                done["searches"] += 1
                done["stale"] += found.stale
            db.session.expire_all()
    print(json.dumps(done))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))

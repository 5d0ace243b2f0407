"""What the load run does, for locust (run by tests/load/run_load.py, never against anything but 127.0.0.1).

Readers browse the public list, search and read articles; staff create and
submit initiatives through the JSON API; council members fill and submit their
assigned score sheets through the API. All at once, with no think time unless
LOAD_THINK is set. LOAD_MODE=minimal sends every user to the minimal app's one
route instead, for the comparison.

Every acknowledged write (2xx) is noted, and every status per request group is
counted; both go to the JSON file LOAD_RESULTS when the run stops, for
run_load.py to check against the database.
"""
import itertools
import json
import os
import random
from collections import Counter, defaultdict
from datetime import date

from locust import FastHttpUser, between, constant, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read()) if os.environ.get("LOAD_PLAN") else {}
MODE = os.environ.get("LOAD_MODE", "portal")
THINK = float(os.environ.get("LOAD_THINK", "0"))
WAIT = between(THINK / 2, THINK * 1.5) if THINK > 0 else constant(0)

STATUSES = defaultdict(Counter)       # group → {status: count}; 0 = no answer (connection error)
AT_END = Counter()                    # group → requests without an answer once the run was stopping
ACKED = {"created": [], "submitted": [], "scored": []}
RAN_OUT = Counter()
STOPPING = []


@events.test_stopping.add_listener
def _stopping(**_kwargs):
    STOPPING.append(True)


@events.request.add_listener
def _count(name, response=None, exception=None, **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    if status == 0 and STOPPING:
        # The run's own end: locust stops the users and closes their connections.
        AT_END[name] += 1
        return
    STATUSES[name][str(status)] += 1


@events.test_stop.add_listener
def _write_results(**_kwargs):
    path = os.environ.get("LOAD_RESULTS")
    if path:
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"statuses": STATUSES, "at_end": AT_END, "acked": ACKED, "ran_out": RAN_OUT}, f)


def _check(response, *ok):
    """Mark anything but the expected statuses as a failure (locust's error count)."""
    if response.status_code in ok:
        response.success()
        return True
    response.failure(f"HTTP {response.status_code}")
    return False


class _Portal(FastHttpUser):
    abstract = True
    wait_time = WAIT

    def sign_in(self, username):
        with self.client.post("/api/v1/auth/token", json={"username": username, "password": PLAN["password"]},
                              name="sign-in", catch_response=True) as response:
            if _check(response, 200):
                self.auth = {"Authorization": f"Bearer {response.json()['token']}"}
                return True
        return False


class Reader(_Portal):
    """A public reader: list pages with filters, searches, articles."""
    fixed_count = int(os.environ.get("LOAD_READERS", "12"))

    @task(3)
    def list_page(self):
        params = {"page": random.randint(1, 40)}
        if random.random() < 0.5:
            params[random.choice(["year", "field"])] = (
                random.choice(PLAN["years"]) if random.random() < 0.5 else random.choice(PLAN["fields"]))
        with self.client.get("/initiatives", params=params, name="public: list", catch_response=True) as r:
            _check(r, 200)

    @task(3)
    def search(self):
        with self.client.get("/search", params={"q": random.choice(PLAN["queries"])},
                             name="public: search", catch_response=True) as r:
            _check(r, 200)

    @task(4)
    def article(self):
        initiative_id, slug = random.choice(PLAN["articles"])
        with self.client.get(f"/initiatives/{initiative_id}-{slug}", name="public: article",
                             catch_response=True) as r:
            _check(r, 200)


_staff = itertools.cycle(PLAN.get("staff") or ["-"])


class Staff(_Portal):
    """A member of staff writing an initiative and submitting it (two API calls)."""
    fixed_count = int(os.environ.get("LOAD_STAFF", "4"))

    def on_start(self):
        self.username = next(_staff)
        self.auth = None
        self.sign_in(self.username)

    @task
    def create_and_submit(self):
        if not self.auth:
            return
        n = random.randint(1, 10**6)
        body = {
            "title": f"Giải pháp nâng cao chất lượng kiểm sát hồ sơ số {n}",
            "field": random.choice(PLAN["fields"]), "form": "solution", "year": PLAN["this_year"],
            "summary": "Sáng kiến rút ngắn thời gian kiểm tra hồ sơ và giảm sai sót về thủ tục.",
            "current_state": "Việc kiểm tra hồ sơ còn làm thủ công, mất nhiều thời gian.",
            "solution": "Xây dựng **biểu mẫu thống nhất** và sổ theo dõi điện tử cho kiểm sát viên.",
            "conditions": "Đơn vị có máy tính nối mạng nội bộ.",
            "benefits": "Giảm 30 phần trăm thời gian kiểm tra hồ sơ.",
            "first_applied_on": date(PLAN["this_year"], 1, 15).isoformat(),
            "requested_level": "grassroots",
            "authors": [{"username": self.username, "share": 100}],
        }
        with self.client.post("/api/v1/initiatives", json=body, headers=self.auth, name="staff: create",
                              catch_response=True) as r:
            if not _check(r, 201):
                return
            initiative_id = r.json()["id"]
            ACKED["created"].append(initiative_id)
        with self.client.post(f"/api/v1/initiatives/{initiative_id}/submit", headers=self.auth,
                              name="staff: submit", catch_response=True) as r:
            if _check(r, 200):
                ACKED["submitted"].append(initiative_id)


_members = iter(list((PLAN.get("assignments") or {}).items()))


class CouncilMember(_Portal):
    """A council member filling and submitting each assigned score sheet (PUT, then submit)."""
    fixed_count = int(os.environ.get("LOAD_COUNCIL", "4"))

    def on_start(self):
        self.username, self.queue = next(_members, (None, []))
        self.queue = list(self.queue)
        self.auth = None
        if self.username:
            self.sign_in(self.username)

    @task
    def score_next(self):
        if not self.auth:
            return
        if not self.queue:
            RAN_OUT[self.username] += 1
            self.wait_time = constant(1)
            return
        initiative_id = self.queue.pop(0)
        sheet = {
            "scores": {"novelty": random.randint(10, 30), "applicability": random.randint(10, 30),
                       "effectiveness": random.randint(15, 40)},
            "recommendation": "pass" if random.random() < 0.8 else "fail",
            "comment": "Giải pháp có tính thực tiễn, cần bổ sung số liệu minh chứng.",
        }
        with self.client.put(f"/api/v1/initiatives/{initiative_id}/review", json=sheet, headers=self.auth,
                             name="council: save review", catch_response=True) as r:
            if not _check(r, 200):
                return
        with self.client.post(f"/api/v1/initiatives/{initiative_id}/review/submit", headers=self.auth,
                              name="council: submit review", catch_response=True) as r:
            if _check(r, 200):
                ACKED["scored"].append([initiative_id, self.username])


class MinimalVisitor(FastHttpUser):
    """LOAD_MODE=minimal: the same number of users, each asking the minimal app's one route."""
    fixed_count = 0
    wait_time = WAIT

    @task
    def hello(self):
        with self.client.get("/", name="minimal: hello", catch_response=True) as r:
            _check(r, 200)


if MODE == "minimal":
    MinimalVisitor.fixed_count = Reader.fixed_count + Staff.fixed_count + CouncilMember.fixed_count
    Reader.fixed_count = Staff.fixed_count = CouncilMember.fixed_count = 0

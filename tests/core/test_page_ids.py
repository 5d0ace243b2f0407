"""Every page has unique element ids, and every `<label for>` (and aria-labelledby) names one.

On the demo data, each demo role opens every GET page of the app's url_map, the arguments
filled from the data (an initiative in each state, the years, a user, a unit, a published
article); pages that answer HTML are parsed with html.parser.
"""
from collections import Counter
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from portal.auth.models import Unit, User
from portal.extensions import db
from portal.initiatives.models import Initiative
from portal.publishing.models import Publication

# The HTML of the pages does not depend on the database: once, in the SQLite pass (CI time).
pytestmark = pytest.mark.sqlite_only

ROLES = (None, "admin", "chutich", "thuky", "hoidong1", "thidua", "bientap", "ksv.hung", "ksv.mai")
# Not pages: files, feeds, the API, switching language, signing out.
SKIPPED_PREFIXES = ("/static/", "/api/", "/lang/", "/logout")
SKIPPED_SUFFIXES = (".docx", ".xlsx", ".csv", ".atom", ".xml", ".txt", ".json")


class IdParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = Counter()
        self.label_for = []
        self.labelledby = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
        if tag == "label" and attributes.get("for"):
            self.label_for.append(attributes["for"])
        for name in ("aria-labelledby", "aria-describedby"):
            if attributes.get(name):
                self.labelledby.extend(attributes[name].split())

    handle_startendtag = handle_starttag


def problems_of(html):
    parser = IdParser()
    parser.feed(html)
    found = [f"duplicate id {name!r} ×{n}" for name, n in parser.ids.items() if n > 1]
    found += [f"<label for={name!r}> names no element" for name in parser.label_for if name not in parser.ids]
    found += [f"aria reference {name!r} names no element" for name in parser.labelledby if name not in parser.ids]
    return found


def candidates(app):
    """Values for each URL argument, taken from the demo data."""
    by_status = {}
    for initiative in db.session.execute(select(Initiative).order_by(Initiative.id)).scalars():
        by_status.setdefault(initiative.status, initiative.id)
    publication = db.session.execute(
        select(Publication).where(Publication.is_published.is_(True)).limit(1)).scalar_one()
    years = sorted({year for (year,) in db.session.execute(select(Initiative.year).distinct())})
    return {
        "initiative_id": sorted({*by_status.values(), publication.initiative_id}),
        "year": years,
        "number": [1],
        "user_id": [db.session.execute(select(User.id).order_by(User.id).limit(1)).scalar_one()],
        "unit_id": [db.session.execute(select(Unit.id).order_by(Unit.id).limit(1)).scalar_one()],
        "slug": {publication.initiative_id: publication.slug},
    }


def urls(app, values):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(SKIPPED_PREFIXES) \
                or rule.rule.endswith(SKIPPED_SUFFIXES):
            continue
        arguments = set(rule.arguments)
        if not arguments:
            yield rule.rule
            continue
        if not arguments <= set(values):
            continue
        if "slug" in arguments:
            for initiative_id, slug in values["slug"].items():
                yield rule.build({"initiative_id": initiative_id, "slug": slug})[1]
            continue
        combos = [{}]
        for name in sorted(arguments):
            combos = [{**combo, name: value} for combo in combos for value in values[name]]
        for combo in combos:
            yield rule.build(combo)[1]


def test_every_page_of_every_demo_role_has_unique_ids_and_labels_that_point_somewhere(app, demo, client):
    values = candidates(app)
    all_urls = sorted(set(urls(app, values)))
    seen = Counter()
    problems = {}
    for username in ROLES:
        client.logout()
        if username:
            client.login(db.session.execute(select(User).filter_by(username=username)).scalar_one())
        for url in all_urls:
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                response.close()
                continue
            seen[username] += 1
            found = problems_of(response.get_data(as_text=True))
            if found:
                problems[f"{username or 'public'} {url}"] = found
    assert seen[None] >= 5 and all(seen[role] >= 10 for role in ROLES if role), seen
    assert problems == {}, "\n".join(f"{page}: {found}" for page, found in problems.items())

"""Fixtures of the emulation area: recognised initiatives and recorded facts, made directly in the database."""
from datetime import date

import pytest

from portal.extensions import db

YEAR = 2025


@pytest.fixture
def officer(make_user):
    return make_user("thidua", roles=("emulation_officer",), full_name="Ngô Thị Bích Liên")


@pytest.fixture
def recognized(make_initiative):
    """recognized(authors, decided=date, sector=None, national=None, title=...) -> a recognised initiative."""
    def make(authors, decided=date(YEAR, 3, 10), sector=None, national=None, **fields):
        values = {"status": "recognized", "level": "grassroots", "decision_no": "15/QĐ-VKS",
                  "decision_date": decided, "year": decided.year if decided else YEAR}
        if sector:
            values.update(sector_status="recognized", sector_decision_date=sector, level="sector",
                          sector_decision_no="120/QĐ-VKSTC")
        if national:
            values.update(national_status="recognized", national_decision_date=national, level="national")
        values.update(fields)
        return make_initiative(authors, **values)
    return make


@pytest.fixture
def award(app):
    """award(user, year, title, initiative=None, level=None) recorded as a fact (no eligibility check)."""
    from portal.emulation.models import TitleAward

    def make(user, year, title, initiative=None, level=None, decision_no=""):
        row = TitleAward(user_id=user.id, year=year, title=title, decision_no=decision_no,
                         initiative_id=getattr(initiative, "id", initiative), level_used=level)
        db.session.add(row)
        db.session.commit()
        return row
    return make


@pytest.fixture
def discipline(app):
    from portal.emulation.models import Discipline

    def make(user, year, level="reprimand"):
        row = Discipline(user_id=user.id, year=year, level=level)
        db.session.add(row)
        db.session.commit()
        return row
    return make


@pytest.fixture
def registration(app):
    from portal.emulation.models import Registration

    def make(user, year, title):
        row = Registration(user_id=user.id, year=year, title=title)
        db.session.add(row)
        db.session.commit()
        return row
    return make


@pytest.fixture
def articles(app):
    from portal.emulation.models import ArticleCount

    def make(user, year, count):
        row = ArticleCount(user_id=user.id, year=year, count=count)
        db.session.add(row)
        db.session.commit()
        return row
    return make

"""Reading the database into the eligibility engine's plain records, in a fixed number of queries.

The engine (engine.py) knows nothing of SQLAlchemy; this module is the only place
that turns rows into its inputs, so the page, the export, the API and the
operations all judge a person from the same data.
"""
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import String, and_, case, func, or_, select, type_coerce
from sqlalchemy.orm import lazyload

from portal.auth.models import Unit, User
from portal.emulation import engine, report_cache
from portal.emulation.lower_titles import RefusedTitle
from portal.emulation.models import (
    ArticleCount,
    Discipline,
    EmulationSettings,
    Registration,
    ServiceRecord,
    TitleAward,
    TitleRefusal,
)
from portal.extensions import db
from portal.initiatives.models import Initiative, InitiativeAuthor
from portal.initiatives.workflow import SectorStatus, Status
from portal.years.models import Year


@dataclass
class YearInputs:
    """Everything the engine needs to judge ``people`` in ``year``, plus the rows behind it."""
    year: int
    users: list                       # Staff, in display order
    people: list                      # engine.Person, same order
    recognitions: list
    awards: list                      # engine.TitleAward
    disciplines: list
    registrations: list
    articles: list
    services: list                    # engine.Service (time served in `year`)
    settings_by_year: dict
    settings: engine.Settings
    settings_row: EmulationSettings | None = None  # the row in force (this year's or an earlier one)
    registered: dict = field(default_factory=dict)  # user id -> title registered in `year`
    article_counts: dict = field(default_factory=dict)  # user id -> articles in `year`
    refusals: list = field(default_factory=list)  # lower_titles.RefusedTitle of `year`

    def evaluate(self):
        """{user id: engine.PersonResult} for the year."""
        return engine.evaluate_year(
            self.year, self.people, self.recognitions, self.awards, self.disciplines,
            self.registrations, self.articles, self.settings_by_year, self.services, self.refusals)


def settings_rows(up_to_year=None):
    query = select(EmulationSettings).order_by(EmulationSettings.year)
    if up_to_year is not None:
        query = query.where(EmulationSettings.year <= up_to_year)
    return list(db.session.execute(query).scalars())


def settings_for(year):
    """The engine Settings in force in ``year`` (its own row, the latest earlier one, or the defaults)."""
    rows = {row.year: row.to_engine() for row in settings_rows(year)}
    return engine.settings_for_year(rows, year)


def _row_in_force(rows, year):
    earlier = [row for row in rows if row.year <= year]
    return earlier[-1] if earlier else None


def load_year(year, *, unit_id=None, user_ids=None):
    """The engine's inputs for ``year``: everyone active, one unit's people, or the given users.

    Eleven queries whatever the number of people: settings, people, recognised
    initiatives, their authors and council scores, awards, disciplinary measures,
    registrations, article counts, time served and refused titles.
    """
    rows = settings_rows(year)
    settings_by_year = {row.year: row.to_engine() for row in rows}
    settings = engine.settings_for_year(settings_by_year, year)

    person_ids = select(User.id).where(User.active.is_(True))
    if unit_id is not None:
        person_ids = person_ids.where(User.unit_id == unit_id)
    if user_ids is not None:
        person_ids = person_ids.where(User.id.in_(list(user_ids)))
    users = load_staff(unit_id=unit_id, user_ids=user_ids)
    people = [engine.Person(u.id, u.username, u.full_name, u.unit.name, u.is_leader) for u in users]
    scoped = unit_id is not None or user_ids is not None

    recognitions = load_recognitions(
        first_year=first_year_looked_at(year, settings), last_year=year,
        author_ids=person_ids if scoped else None)

    def plain(*columns, where):
        # Plain rows, not ORM objects: a whole year is 100,000 of them.
        query = select(*columns).where(*where)
        if scoped:
            query = query.where(columns[0].in_(person_ids))
        return db.session.execute(query).all()

    # A use of a recognition blocks it whatever the award's year: every year is read.
    award_rows = plain(TitleAward.user_id, TitleAward.year, _text(TitleAward.title), TitleAward.initiative_id,
                      _text(TitleAward.level_used), _text(TitleAward.provisional_on), TitleAward.use_unknown,
                      where=[TitleAward.year <= year])
    first = first_year_looked_at(year, settings)
    # A measure issued up to `year`, counted in its own year or its violation's (see engine._counted_year).
    discipline_rows = plain(Discipline.user_id, Discipline.year, _text(Discipline.level), Discipline.violation_year,
                           where=[Discipline.year <= year,
                                  or_(Discipline.year >= first, Discipline.violation_year >= first)])
    registration_rows = plain(Registration.user_id, Registration.year, _text(Registration.title),
                             where=[Registration.year == year])
    article_rows = plain(ArticleCount.user_id, ArticleCount.year, ArticleCount.count.label("written"),
                        where=[ArticleCount.year == year])
    service_rows = plain(ServiceRecord.user_id, ServiceRecord.year, ServiceRecord.recruited_on,
                        ServiceRecord.leave_months, where=[ServiceRecord.year == year])
    refusal_rows = plain(TitleRefusal.user_id, TitleRefusal.year, _text(TitleRefusal.title), TitleRefusal.reason,
                        where=[TitleRefusal.year == year])

    return YearInputs(
        year=year,
        users=users,
        people=people,
        recognitions=recognitions,
        # the records as the models' as_record() makes them
        awards=[engine.TitleAward(r.user_id, r.year, r.title, r.initiative_id, r.level_used or None,
                                  r.provisional_on or None, bool(r.use_unknown)) for r in award_rows],
        disciplines=[engine.Discipline(r.user_id, r.year, r.level, r.violation_year) for r in discipline_rows],
        registrations=[engine.Registration(r.user_id, r.year, r.title) for r in registration_rows],
        articles=[engine.ArticleCount(r.user_id, r.year, r.written) for r in article_rows],
        services=[engine.Service(r.user_id, r.year, r.recruited_on, float(r.leave_months or 0))
                  for r in service_rows],
        settings_by_year=settings_by_year,
        settings=settings,
        settings_row=_row_in_force(rows, year),
        registered={r.user_id: r.title for r in registration_rows},
        article_counts={r.user_id: r.written for r in article_rows},
        refusals=[RefusedTitle(r.user_id, r.year, r.title, r.reason) for r in refusal_rows],
    )


def _text(column):
    """An enum column read as its stored text, as the engine takes it (no enum made per row)."""
    return type_coerce(column, String).label(column.key)


@dataclass(frozen=True, slots=True)
class StaffUnit:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Staff:
    """A person as the year's pages and exports show them: read as plain columns, not as accounts
    (21,000 ORM objects cost more than evaluating them)."""
    id: int
    username: str
    full_name: str
    position: str
    is_leader: bool
    unit: StaffUnit


def load_staff(*, unit_id=None, user_ids=None):
    """The active people (of one unit, or the given ones) in the order of the officer's list: by
    unit, leaders first, then by name. One query."""
    query = (
        select(User.id, User.username, User.full_name, User.position, User.is_leader, Unit.id.label("unit_id"),
               Unit.name.label("unit_name"))
        .join(Unit, Unit.id == User.unit_id)
        .where(User.active.is_(True))
        .order_by(User.unit_id, User.is_leader.desc(), User.full_name, User.id)
    )
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    if user_ids is not None:
        query = query.where(User.id.in_(list(user_ids)))
    units = {}
    staff = []
    for row in db.session.execute(query):
        unit = units.get(row.unit_id)
        if unit is None:
            unit = units[row.unit_id] = StaffUnit(row.unit_id, row.unit_name)
        staff.append(Staff(row.id, row.username, row.full_name, row.position or "", bool(row.is_leader), unit))
    return staff


def first_year_looked_at(year, settings):
    """The earliest year any rule of ``year`` reads (the earlier sector period of the national title)."""
    earliest_national = year - settings.sector_cycle_years - settings.sector_consecutive_years + 1
    return min(year - 1, year - settings.sector_consecutive_years + 1, earliest_national)


def recognition_filter(first_year=None, last_year=None):
    """SQL condition: the initiative holds at least one recognition decided in the years."""
    def decided(status_ok, column):
        parts = [status_ok, column.is_not(None)]
        if first_year is not None:
            parts.append(column >= date(first_year, 1, 1))
        if last_year is not None:
            parts.append(column <= date(last_year, 12, 31))
        return and_(*parts)

    return or_(
        decided(Initiative.status == Status.recognized, Initiative.decision_date),
        decided(Initiative.sector_status == SectorStatus.recognized, Initiative.sector_decision_date),
        decided(Initiative.national_status == SectorStatus.recognized, Initiative.national_decision_date),
    )


def load_recognitions(*, first_year=None, last_year=None, author_ids=None, initiative_ids=None):
    """engine.Recognition for every recognition decided in the years (three queries: initiatives, authors, scores).

    ``author_ids`` (a list or a subquery of user ids) keeps only initiatives with
    one of them among the authors; their co-authors are still listed with their shares.
    """
    columns = (
        Initiative.id, Initiative.title, Initiative.status, Initiative.decision_date,
        Initiative.sector_status, Initiative.sector_decision_date,
        Initiative.national_status, Initiative.national_decision_date,
    )
    query = select(*columns).where(recognition_filter(first_year, last_year))
    if author_ids is not None:
        query = query.where(Initiative.id.in_(
            select(InitiativeAuthor.initiative_id).where(InitiativeAuthor.user_id.in_(author_ids))))
    if initiative_ids is not None:
        query = query.where(Initiative.id.in_(list(initiative_ids)))
    rows = db.session.execute(query.order_by(Initiative.id)).all()
    if not rows:
        return []
    ids = [row.id for row in rows]
    authors = {}
    for initiative_id, user_id, share in db.session.execute(
            select(InitiativeAuthor.initiative_id, InitiativeAuthor.user_id, InitiativeAuthor.share)
            .where(InitiativeAuthor.initiative_id.in_(ids), InitiativeAuthor.user_id.is_not(None))):
        authors.setdefault(initiative_id, {})[user_id] = float(share or 0)
    scores = best_mean_scores(ids)

    def within(day):
        return day is not None and (first_year is None or day.year >= first_year) and (
            last_year is None or day.year <= last_year)

    recognitions = []
    for row in rows:
        made = []
        if row.status == Status.recognized and within(row.decision_date):
            made.append(("grassroots", row.decision_date))
        if row.sector_status == SectorStatus.recognized and within(row.sector_decision_date):
            made.append(("sector", row.sector_decision_date))
        if row.national_status == SectorStatus.recognized and within(row.national_decision_date):
            made.append(("national", row.national_decision_date))
        for level, decided_on in made:
            recognitions.append(engine.Recognition(
                row.id, row.title, level, decided_on, authors.get(row.id, {}), scores.get(row.id)))
    return recognitions


def best_mean_scores(initiative_ids):
    """{initiative id: mean total score of the council decision that recognised it} (one query).

    The council keeps every round's decision with the mean of the reviewers'
    totals; the recognising decision's is the score the emulation council ranks by.
    """
    from portal.council.models import CouncilDecision

    if not initiative_ids:
        return {}
    rows = db.session.execute(
        select(CouncilDecision.initiative_id, func.max(CouncilDecision.mean_total))
        .where(CouncilDecision.initiative_id.in_(list(initiative_ids)),
               CouncilDecision.outcome == "recognized", CouncilDecision.mean_total.is_not(None))
        .group_by(CouncilDecision.initiative_id))
    return {initiative_id: float(score) for initiative_id, score in rows}


def person_history(user):
    """A staff member's awards (all years) and recognised initiatives, for their own page."""
    awards = db.session.execute(
        select(TitleAward).options(lazyload("*")).where(TitleAward.user_id == user.id)
        .order_by(TitleAward.year.desc(), TitleAward.title)).scalars().all()
    registrations = db.session.execute(
        select(Registration).options(lazyload("*")).where(Registration.user_id == user.id)
        .order_by(Registration.year.desc())).scalars().all()
    recognitions = load_recognitions(author_ids=[user.id])
    return awards, registrations, recognitions


COMPUTED_TITLES = engine.TITLES[1:]


@dataclass
class PersonLine:
    """One person's line on the officer's page and in the export."""
    number: int
    user: object
    result: object                     # engine.PersonResult
    registered: str | None
    articles: int
    best_score: float | None

    @property
    def eligible_any(self):
        return any(self.result.titles[t].eligible for t in COMPUTED_TITLES)

    def title(self, code):
        return self.result.titles[code]

    def registered_not_eligible(self):
        if not self.registered or self.registered == engine.ADVANCED_WORKER:
            return False
        result = self.result.titles[self.registered]
        return not (result.eligible or result.held)


@dataclass
class YearReport:
    year: int
    inputs: YearInputs
    results: dict
    lines: list                        # after the filters
    counts: dict                       # title -> {"leaders": {...}, "staff": {...}}
    caps: list                         # [{unit, lddt_count, cap, count, over_cap, candidates: [...]}]
    registered_not_eligible: list      # PersonLine
    total: int                         # people in the unit scope, before the other filters


@dataclass
class ScopeEvaluation:
    """A year evaluated for everyone (or one unit), before the page's filters: what does not change
    from one page of the list or one filter to the next (kept by report_cache)."""
    inputs: YearInputs
    results: dict
    lines: list                        # PersonLine, numbered in the whole scope
    counts: dict
    caps: list
    registered_not_eligible: list


def evaluate_scope(year, unit_id=None):
    inputs = load_year(year, unit_id=unit_id)
    inputs.settings_row = None  # an ORM row: read again by each request (year_report)
    results = inputs.evaluate()
    lines = []
    for number, user in enumerate(inputs.users, start=1):
        result = results[user.id]
        lines.append(PersonLine(
            number=number, user=user, result=result,
            registered=inputs.registered.get(user.id), articles=inputs.article_counts.get(user.id, 0),
            best_score=_best_score(result)))
    return ScopeEvaluation(
        inputs=inputs, results=results, lines=lines, counts=_counts(lines),
        caps=_caps(results, year, inputs, lines),
        registered_not_eligible=[line for line in lines if line.registered_not_eligible()])


def year_report(year, *, unit_id=None, title=None, eligible=None, registered=None, leader=None):
    """Evaluate a year for everyone (or one unit) and apply the page's filters.

    ``eligible`` / ``registered`` / ``leader`` are "yes", "no" or None. With a
    ``title``, eligibility and registration are those of that title; without,
    eligible means eligible for at least one title above Lao động tiên tiến.
    """
    scope = report_cache.evaluated(year, unit_id, evaluate_scope)
    inputs = replace(scope.inputs, settings_row=_row_in_force(settings_rows(year), year))

    def keep(line):
        if leader and (line.user.is_leader != (leader == "yes")):
            return False
        if title:
            outcome = line.title(title)
            ok = outcome.eligible or (title == engine.ADVANCED_WORKER and outcome.held)
            if eligible and ok != (eligible == "yes"):
                return False
            if registered:
                is_registered = line.registered is not None and (
                    engine.TITLES.index(line.registered) >= engine.TITLES.index(title))
                if is_registered != (registered == "yes"):
                    return False
        else:
            if eligible and line.eligible_any != (eligible == "yes"):
                return False
            if registered and (line.registered is not None) != (registered == "yes"):
                return False
        return True

    # numbered after the filters, as new lines: the scope's own are shared between requests
    lines = [PersonLine(number, line.user, line.result, line.registered, line.articles, line.best_score)
             for number, line in enumerate((line for line in scope.lines if keep(line)), start=1)]
    return YearReport(
        year=year, inputs=inputs, results=scope.results, lines=lines, counts=scope.counts, caps=scope.caps,
        registered_not_eligible=scope.registered_not_eligible, total=len(scope.lines),
    )


def _best_score(result):
    scores = [e["best_mean_score"] for e in result.titles[engine.GRASSROOTS].condition("initiative").evidence
              if e.get("usable") and e.get("best_mean_score") is not None]
    return max(scores) if scores else None


def _counts(lines):
    """Per title: held and eligible, leaders and other staff apart (the plan favours the latter)."""
    counts = {}
    for code in engine.TITLES:
        entry = counts[code] = {
            "leaders": {"people": 0, "held": 0, "eligible": 0},
            "staff": {"people": 0, "held": 0, "eligible": 0},
        }
        for line in lines:
            bucket = entry["leaders" if line.user.is_leader else "staff"]
            outcome = line.title(code)
            bucket["people"] += 1
            bucket["held"] += outcome.held
            bucket["eligible"] += outcome.eligible
    return counts


def _caps(results, year, inputs, lines):
    by_id = {line.user.id: line for line in lines}
    caps = []
    for unit, entry in sorted(engine.unit_caps(results, year, inputs.settings_by_year).items()):
        if not entry["lddt_count"] and not entry["count_awarded_or_eligible"]:
            continue
        caps.append({
            "unit": unit,
            "lddt_count": entry["lddt_count"],
            "cap": entry["cap"],
            "count": entry["count_awarded_or_eligible"],
            "over_cap": entry["over_cap"],
            "candidates": [by_id[pid] for pid in entry["candidates"]],
        })
    return caps


def officer_work(year, on_day):
    """The emulation office's year at a glance, in 2 queries: its deadlines with days left, and the
    registrations, those still without a recorded title apart."""
    row = db.session.get(Year, year)
    deadlines = []
    for name in ("registration_deadline", "submission_deadline", "review_deadline", "commendation_deadline"):
        due = getattr(row, name) if row is not None else None
        deadlines.append({"name": name, "due_on": due, "days_left": (due - on_day).days if due else None})
    awarded = select(TitleAward.id).where(TitleAward.user_id == Registration.user_id,
                                         TitleAward.year == Registration.year,
                                         TitleAward.title == Registration.title).exists()
    total, open_ = db.session.execute(
        select(func.count(Registration.id), func.coalesce(func.sum(case((awarded, 0), else_=1)), 0))
        .where(Registration.year == year)
    ).one()
    return {"year": year, "configured": row is not None, "deadlines": deadlines,
            "registrations": total, "open_registrations": open_}

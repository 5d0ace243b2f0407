"""Emulation-title eligibility engine.

A pure function of plain records: no Flask, no SQLAlchemy, no database. The
web layer turns rows into the frozen dataclasses below, calls
:func:`evaluate_year` and renders the :class:`PersonResult` objects. The rules
are those of ``ELIGIBILITY.md``; every condition is returned with met / not
met, a Vietnamese explanation and its evidence, because the emulation council
must be able to see *why* (transparency is a requirement of the plan).

Speed matters (a city procuracy and its districts have thousands of staff, and
the page recomputes a whole year), so the inputs are indexed by person once and
each person is then evaluated from their own records only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from fractions import Fraction
from functools import lru_cache
from typing import Any, ClassVar

from portal.core.phrases import Listing, Phrase

__all__ = [
    "ADVANCED_WORKER",
    "ANY_LEVEL",
    "CAP_SETTINGS",
    "CONDITION_LABELS",
    "DISCIPLINE_LABELS",
    "DISCIPLINE_LEVELS",
    "GRASSROOTS",
    "INITIATIVE_CONDITION",
    "LEVELS",
    "LEVEL_LABELS",
    "NATIONAL",
    "SECTOR",
    "SETTINGS_BY_CONDITION",
    "SETTING_LABELS",
    "SETTING_SOURCES",
    "TITLES",
    "TITLE_DEFAULT_LEVEL",
    "TITLE_RANK",
    "TITLE_LABELS",
    "ArticleCount",
    "Condition",
    "Discipline",
    "Person",
    "PersonResult",
    "Recognition",
    "Registration",
    "Service",
    "Settings",
    "TitleAward",
    "TitleResult",
    "can_use_recognition",
    "evaluate_person",
    "evaluate_year",
    "grassroots_cap",
    "months_served",
    "recognition_to_use",
    "recognition_user",
    "settings_for_year",
    "unit_caps",
    "use_key",
]

# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

ADVANCED_WORKER = "advanced_worker"
GRASSROOTS = "emulation_soldier_grassroots"
SECTOR = "emulation_soldier_sector"
NATIONAL = "emulation_soldier_national"
# The order defines "higher": a registration for a higher title also counts
# as a registration for a lower one.
TITLES = (ADVANCED_WORKER, GRASSROOTS, SECTOR, NATIONAL)
TITLE_RANK = {title: rank for rank, title in enumerate(TITLES)}
_GRASSROOTS_AND_HIGHER = TITLES[1:]
TITLE_LABELS = {
    ADVANCED_WORKER: "Lao động tiên tiến",
    GRASSROOTS: "Chiến sỹ thi đua cơ sở",
    SECTOR: "Chiến sỹ thi đua Ngành KSND",
    NATIONAL: "Chiến sỹ thi đua toàn quốc",
}

LEVELS = ("grassroots", "sector", "national")
LEVEL_LABELS = {
    "grassroots": "cấp cơ sở",
    "sector": "cấp Ngành",
    "national": "toàn quốc",
}
# When an award names an initiative but not which of its recognitions it
# used, the recognition of the title's own level is the only sensible guess.
TITLE_DEFAULT_LEVEL = {GRASSROOTS: "grassroots", SECTOR: "sector", NATIONAL: "national"}

# Every recorded measure is "khiển trách" (reprimand) or higher.
DISCIPLINE_LEVELS = ("reprimand", "warning", "demotion", "dismissal")
DISCIPLINE_LABELS = {
    "reprimand": "khiển trách",
    "warning": "cảnh cáo",
    "demotion": "giáng chức",
    "dismissal": "cách chức",
}

CONDITION_LABELS = {
    "advanced_worker": "Đạt danh hiệu Lao động tiên tiến trong năm",
    "initiative": "Là tác giả sáng kiến được công nhận cấp cơ sở trở lên",
    "no_discipline": "Không bị kỷ luật từ khiển trách trở lên",
    "article_quota": "Đạt chỉ tiêu viết tin, bài",
    "registered": "Đã đăng ký danh hiệu",
    "consecutive_grassroots": "Đạt Chiến sỹ thi đua cơ sở liên tục",
    "sector_initiative": "Là tác giả sáng kiến được VKSND tối cao công nhận cấp Ngành",
    "consecutive_sector": "Hai lần liên tục đạt Chiến sỹ thi đua Ngành KSND",
    "national_initiative": "Là tác giả sáng kiến có phạm vi ảnh hưởng toàn quốc",
    "time_served": "Đủ thời gian công tác trong năm",
    "lower_title": "Danh hiệu thấp hơn cùng năm được công nhận",
    "not_refused": "Không bị ghi nhận là không đạt",
}

# --------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------

SETTING_LABELS = {
    "min_author_share": "Tỷ lệ đóng góp tối thiểu của tác giả sáng kiến (%)",
    "allow_previous_year": "Tính sáng kiến công nhận trong năm trước khi xét CSTĐ cơ sở",
    "one_use_per_initiative": "Mỗi sáng kiến chỉ được sử dụng một lần cho mỗi người (tắt = mỗi cấp công nhận một lần)",
    "coauthors_each_use": "Mỗi đồng tác giả đều được sử dụng sáng kiến",
    "article_quota": "Chỉ tiêu viết tin, bài trong năm (0 = không áp dụng)",
    "require_registration": "Bắt buộc đăng ký danh hiệu (tắt = chỉ cảnh báo)",
    "grassroots_cap_percent": "Tỷ lệ CSTĐ cơ sở tối đa so với số LĐTT của đơn vị (%)",
    "cap_minimum_one": "Đơn vị có LĐTT được tối thiểu 1 CSTĐ cơ sở",
    "sector_consecutive_years": "Số năm liên tục đạt CSTĐ cơ sở để xét CSTĐ Ngành KSND",
    "sector_cycle_years": "Khoảng cách giữa hai lần CSTĐ Ngành KSND để xét CSTĐ toàn quốc (năm)",
    "national_in_following_year": "Đề nghị CSTĐ toàn quốc vào năm sau năm đạt CSTĐ Ngành KSND lần thứ hai",
    "min_service_months": "Thời gian công tác tối thiểu trong năm để xét LĐTT (tháng)",
    "leave_flag_months": "Số tháng nghỉ việc trong năm từ đó cần xem xét LĐTT (tháng)",
    "discipline_counted_once": "Kỷ luật ban hành năm sau cho vi phạm đã bị xét không đạt LĐTT thì không tính lại",
}

# The legal source of each setting (ELIGIBILITY.md; docs/rules.md). Where a
# text was not verified the source says so: that is why it is a setting.
SETTING_SOURCES = {
    "min_author_share": "Không có văn bản quy định; thiết lập nội bộ (chưa xác minh)",
    "allow_previous_year": "Luật Thi đua, khen thưởng 06/2022/QH15; Thông tư 02/2024/TT-VKSTC: sáng kiến được "
                           "công nhận trong năm xét (việc tính năm trước chưa xác minh)",
    "one_use_per_initiative": "Công văn 5007/BNV-TĐKT (2023), mục III.5.c: “Một sáng kiến chỉ được sử dụng một "
                              "lần khi làm tiêu chuẩn đề nghị khen thưởng”",
    "coauthors_each_use": "Chưa có văn bản xác minh (Công văn 3385/BTĐKT-P.II); mặc định mỗi đồng tác giả đều "
                          "được sử dụng",
    "article_quota": "Kế hoạch thi đua, khen thưởng hằng năm của VKSND thành phố (chỉ tiêu viết tin, bài)",
    "require_registration": "Kế hoạch thi đua hằng năm: cá nhân đăng ký danh hiệu phấn đấu đầu năm",
    "grassroots_cap_percent": "Luật Thi đua, khen thưởng 06/2022/QH15 và Nghị định 98/2023/NĐ-CP: số CSTĐ cơ "
                              "sở so với số cá nhân đạt Lao động tiên tiến không quá 15%",
    "cap_minimum_one": "Văn bản ghi “không quá 15%”; tối thiểu 1 là thực tiễn áp dụng (tắt = đúng tỷ lệ, "
                       "làm tròn xuống)",
    "sector_consecutive_years": "Thông tư 02/2024/TT-VKSTC: ba lần liên tục đạt CSTĐ cơ sở",
    "sector_cycle_years": "Luật Thi đua, khen thưởng 06/2022/QH15: hai lần liên tục đạt CSTĐ cấp bộ, ngành",
    "national_in_following_year": "Nghị định 91/2017/NĐ-CP Điều 48.1.a; Thông tư 07/2014/TT-BNV Điều 4.3 (văn "
                                  "bản cũ; chưa xác minh theo Nghị định 152/2025/NĐ-CP)",
    "min_service_months": "Thông tư 02/2024/TT-VKSTC: không bình xét Lao động tiên tiến khi mới tuyển dụng "
                          "dưới 6 tháng",
    "leave_flag_months": "Thông tư 02/2024/TT-VKSTC: nghỉ việc từ 3 tháng đến dưới 6 tháng không bình xét Lao "
                         "động tiên tiến, trừ các trường hợp văn bản cho phép",
    "discipline_counted_once": "Thông tư 02/2024/TT-VKSTC: quyết định kỷ luật ban hành năm sau cho hành vi vi "
                               "phạm đã bị xét không đạt danh hiệu năm vi phạm thì không tính lại (chưa xác "
                               "minh số điều)",
}

# Which settings each condition reads, so that the page can name the settings
# behind a result next to it ("rules and settings are never hidden").
_USE = ("one_use_per_initiative", "coauthors_each_use")
SETTINGS_BY_CONDITION = {
    "advanced_worker": (),
    "initiative": ("min_author_share", "allow_previous_year", *_USE),
    "no_discipline": ("discipline_counted_once",),
    "time_served": ("min_service_months", "leave_flag_months"),
    "article_quota": ("article_quota",),
    "registered": ("require_registration",),
    "consecutive_grassroots": ("sector_consecutive_years",),
    "sector_initiative": ("min_author_share", *_USE, "sector_consecutive_years"),
    "consecutive_sector": ("sector_cycle_years", "national_in_following_year"),
    "national_initiative": (
        "min_author_share",
        *_USE,
        "sector_consecutive_years",
        "sector_cycle_years",
        "national_in_following_year",
    ),
    "lower_title": (),
    "not_refused": (),
}
# The settings behind the unit caps of the officer's page.
CAP_SETTINGS = ("grassroots_cap_percent", "cap_minimum_one")

_BOOLEAN_SETTINGS = (
    "allow_previous_year",
    "one_use_per_initiative",
    "coauthors_each_use",
    "require_registration",
    "cap_minimum_one",
    "national_in_following_year",
    "discipline_counted_once",
)


@dataclass(frozen=True, slots=True)
class Settings:
    """The year's emulation settings (ELIGIBILITY.md), with the documented defaults.

    The appraisal's settings (approval fraction, filing and decision windows)
    live with the year (portal.years) and its rubric, not here.
    """

    min_author_share: float = 0
    allow_previous_year: bool = False
    # Công văn 5007/BNV-TĐKT: "một sáng kiến chỉ được sử dụng một lần".
    one_use_per_initiative: bool = True
    coauthors_each_use: bool = True
    article_quota: int = 0
    require_registration: bool = False
    grassroots_cap_percent: float = 15
    cap_minimum_one: bool = True
    sector_consecutive_years: int = 3
    sector_cycle_years: int = 3
    national_in_following_year: bool = True
    min_service_months: int = 6
    leave_flag_months: int = 3
    discipline_counted_once: bool = True

    LABELS: ClassVar[Mapping[str, str]] = SETTING_LABELS
    BOOLEANS: ClassVar[tuple[str, ...]] = _BOOLEAN_SETTINGS

    def __post_init__(self) -> None:
        # Reject nonsense early: a wrong setting would silently change every
        # result on the page.
        for name in _BOOLEAN_SETTINGS:
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"{name} must be a boolean")
        _check_range("min_author_share", self.min_author_share, 0, 100)
        _check_range("grassroots_cap_percent", self.grassroots_cap_percent, 0, 100)
        _check_range("article_quota", self.article_quota, 0, None, integer=True)
        _check_range(
            "sector_consecutive_years",
            self.sector_consecutive_years,
            1,
            None,
            integer=True,
        )
        _check_range("sector_cycle_years", self.sector_cycle_years, 1, None, integer=True)
        _check_range("min_service_months", self.min_service_months, 0, 12, integer=True)
        _check_range("leave_flag_months", self.leave_flag_months, 1, 12, integer=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Build from a mapping (e.g. a settings row); unknown keys are ignored."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @staticmethod
    def label(name: str) -> str:
        """Vietnamese label of one setting."""
        return SETTING_LABELS[name]

    def describe(self, names: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """``[{key, label, value, default, changed}]`` for the page that shows a result."""
        defaults = _DEFAULT_SETTINGS
        keys = list(names) if names is not None else [f.name for f in fields(self)]
        return [
            {
                "key": key,
                "label": SETTING_LABELS[key],
                "value": getattr(self, key),
                "default": getattr(defaults, key),
                "changed": getattr(self, key) != getattr(defaults, key),
            }
            for key in keys
        ]

    def describe_for(self, codes: Iterable[str]) -> list[dict[str, Any]]:
        """The settings read by the given condition codes, each once, in order."""
        seen: dict[str, None] = {}
        for code in codes:
            for name in SETTINGS_BY_CONDITION.get(code, ()):
                seen.setdefault(name)
        return self.describe(seen)


def _check_range(name: str, value: Any, low: float, high: float | None, integer: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number")
    if integer and int(value) != value:
        raise ValueError(f"{name} must be a whole number")
    if value < low or (high is not None and value > high):
        raise ValueError(f"{name} out of range")


_DEFAULT_SETTINGS = Settings()


def settings_for_year(settings_by_year: Mapping[int, Settings] | Settings | None, year: int) -> Settings:
    """The settings in force for ``year``.

    Settings are edited per year; a year nobody configured inherits the latest
    earlier year (practice rarely changes), else the documented defaults.
    """
    if settings_by_year is None:
        return _DEFAULT_SETTINGS
    if isinstance(settings_by_year, Settings):
        return settings_by_year
    if year in settings_by_year:
        return settings_by_year[year]
    earlier = [y for y in settings_by_year if y < year]
    return settings_by_year[max(earlier)] if earlier else _DEFAULT_SETTINGS


# --------------------------------------------------------------------------
# Input records
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    username: str
    full_name: str
    unit: str
    is_leader: bool = False


@dataclass(frozen=True, slots=True)
class Recognition:
    """One recognition of an initiative at one level.

    An initiative recognised at grassroots and later at sector level gives two
    recognitions; each can be used once by each author.
    """

    initiative_id: int
    title: str
    level: str
    decision_date: date
    # person id -> share (%); excluded from the hash so records stay hashable.
    authors: Mapping[int, float] = field(default_factory=dict, hash=False)
    best_mean_score: float | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVEL_LABELS:
            raise ValueError(f"unknown recognition level: {self.level!r}")

    @property
    def key(self) -> tuple[int, str]:
        return (self.initiative_id, self.level)


@dataclass(frozen=True, slots=True)
class TitleAward:
    """A title recorded for a person and year, and the recognition it used."""

    person_id: int
    year: int
    title: str
    initiative_id: int | None = None
    level_used: str | None = None
    # The lower title of the same year that was only provisional when this one
    # was recorded (with a reason); the award is flagged if it is later refused.
    provisional_on: str | None = None
    # Recorded by the old code, before the "used once" rule, without the recognition it
    # used: such an award blocks every recognition it may have used (unrecorded_uses.py).
    use_unknown: bool = False

    def __post_init__(self) -> None:
        if self.title not in TITLE_RANK:
            raise ValueError(f"unknown title: {self.title!r}")
        if self.level_used is not None and self.level_used not in LEVEL_LABELS:
            raise ValueError(f"unknown recognition level: {self.level_used!r}")
        if self.provisional_on is not None and self.provisional_on not in TITLE_RANK:
            raise ValueError(f"unknown title: {self.provisional_on!r}")

    @property
    def used_recognition(self) -> tuple[int, str] | None:
        """``(initiative_id, level)`` this award used, or None."""
        if self.initiative_id is None:
            return None
        level = self.level_used or TITLE_DEFAULT_LEVEL.get(self.title)
        return None if level is None else (self.initiative_id, level)


@dataclass(frozen=True, slots=True)
class Discipline:
    """A measure issued in ``year`` for a violation committed in ``violation_year`` (default: the same)."""

    person_id: int
    year: int
    level: str = "reprimand"
    violation_year: int | None = None

    def __post_init__(self) -> None:
        if self.level not in DISCIPLINE_LABELS:
            raise ValueError(f"unknown discipline level: {self.level!r}")
        if self.violation_year is not None and self.violation_year > self.year:
            raise ValueError("a violation cannot follow the measure taken for it")


@dataclass(frozen=True, slots=True)
class Service:
    """Time served in a year, for Lao động tiên tiến: the recruitment date and the months off work."""

    person_id: int
    year: int
    recruited_on: date | None = None
    leave_months: float = 0

    def __post_init__(self) -> None:
        if self.leave_months < 0 or self.leave_months > 12:
            raise ValueError("leave_months must be between 0 and 12")


@dataclass(frozen=True, slots=True)
class Registration:
    person_id: int
    year: int
    title: str

    def __post_init__(self) -> None:
        if self.title not in TITLE_RANK:
            raise ValueError(f"unknown title: {self.title!r}")


@dataclass(frozen=True, slots=True)
class ArticleCount:
    person_id: int
    year: int
    count: int


# --------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------
# Conditions may be shared between titles and between people (see
# ``_Context.shared``): do not mutate their evidence lists.


@dataclass(frozen=True, slots=True)
class Condition:
    code: str
    met: bool
    detail: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    # A warning is shown but does not decide eligibility.
    warning_only: bool = False
    # Met only thanks to a title the engine finds eligible now, not recorded.
    provisional: bool = False

    @property
    def label(self) -> str:
        return CONDITION_LABELS.get(self.code, self.code)

    @property
    def blocking(self) -> bool:
        return not self.met and not self.warning_only

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "met": self.met,
            "detail": self.detail,
            "evidence": self.evidence,
            "warning_only": self.warning_only,
            "provisional": self.provisional,
        }


@dataclass(frozen=True, slots=True)
class TitleResult:
    title: str
    eligible: bool
    conditions: list[Condition]
    # Whether the title is recorded for the person in that year.
    held: bool = False
    # The recognition (initiative id, level) an award of this title would use:
    # the one the recorder stores (see :func:`recognition_to_use`).
    uses: tuple[int, str] | None = None

    @property
    def label(self) -> str:
        return TITLE_LABELS[self.title]

    @property
    def provisional(self) -> bool:
        return any(c.provisional for c in self.conditions)

    def condition(self, code: str) -> Condition:
        for cond in self.conditions:
            if cond.code == code:
                return cond
        raise KeyError(code)

    def to_dict(self) -> dict[str, Any]:
        uses = None
        if self.uses is not None:
            uses = {"initiative_id": self.uses[0], "level": self.uses[1]}
        return {
            "eligible": self.eligible,
            "held": self.held,
            "uses": uses,
            "conditions": [c.to_dict() for c in self.conditions],
        }


@dataclass(frozen=True, slots=True)
class PersonResult:
    person: Person
    year: int
    titles: dict[str, TitleResult]

    def to_dict(self) -> dict[str, Any]:
        return {
            "username": self.person.username,
            "full_name": self.person.full_name,
            "unit": self.person.unit,
            "is_leader": self.person.is_leader,
            "year": self.year,
            "titles": {t: r.to_dict() for t, r in self.titles.items()},
        }


# --------------------------------------------------------------------------
# The year being evaluated, and the inputs indexed by person
# --------------------------------------------------------------------------

RecognitionKey = tuple[int, str]


@dataclass(frozen=True, slots=True)
class _Context:
    """What depends only on the year and its settings, worked out once."""

    year: int
    s: Settings
    grassroots_years: tuple[int, ...]  # decision years counted for CSTĐ cơ sở
    sector_years: tuple[int, ...]  # the consecutive period ending Y
    sector_title_years: tuple[int, int]  # Y - cycle and Y
    national_years: tuple[int, ...]  # both sector periods
    # Conditions that depend on a few small inputs only (LĐTT held or not, an
    # article count, no measure in these years...) are identical for most
    # people: built once per year and shared, which saves much of the time and
    # memory of a whole year. Conditions are frozen; their evidence lists must
    # not be mutated by callers.
    shared: dict[tuple, Condition] = field(default_factory=dict)

    @property
    def first_year(self) -> int:
        return min(self.grassroots_years[0], self.sector_years[0], self.national_years[0])


def _context(year: int, s: Settings) -> _Context:
    n, cycle = s.sector_consecutive_years, s.sector_cycle_years
    sector_years = tuple(range(year - n + 1, year + 1))
    # CSTĐ toàn quốc is proposed in the year after the second CSTĐ Ngành
    # (national_in_following_year), or in that same year.
    last_sector = year - 1 if s.national_in_following_year else year
    earlier_period = range(last_sector - cycle - n + 1, last_sector - cycle + 1)
    later_period = range(last_sector - n + 1, year + 1)
    return _Context(
        year=year,
        s=s,
        grassroots_years=(year - 1, year) if s.allow_previous_year else (year,),
        sector_years=sector_years,
        sector_title_years=(last_sector - cycle, last_sector),
        national_years=tuple(sorted(set(earlier_period) | set(later_period))),
    )


# An award's use of a recognition, as the settings read it: the initiative
# itself (one use per initiative, the default) or one of its levels.
ANY_LEVEL = "*"


def use_key(initiative_id: int, level: str, s: Settings) -> RecognitionKey:
    """What a use of the recognition ``(initiative_id, level)`` consumes under ``s``.

    The one place that says what "used" means: the engine's evidence and the
    recorder's refusal both go through it, so they cannot disagree.
    """
    return (initiative_id, ANY_LEVEL) if s.one_use_per_initiative else (initiative_id, level)


@dataclass(slots=True)
class _Records:
    """One person's records, as far as the evaluated year can see them."""

    person_id: int
    # decision year -> (recognition, share), for the years any rule looks at
    authored: dict[int, list[tuple[Recognition, float]]]
    held: dict[int, set[str]]  # year -> titles recorded
    uses: dict[RecognitionKey, list[TitleAward]]  # use key -> awards that used it
    disciplines: dict[int, list[Discipline]]  # counted year -> measures
    registered: set[str]  # titles registered for in the evaluated year
    articles: int  # articles written in the evaluated year
    service: Service | None = None  # time served in the evaluated year
    # measures issued in a year but not counted there (see _counted_year): year -> measures
    not_again: dict[int, list[Discipline]] = field(default_factory=dict)
    # titles of the evaluated year recorded while a lower title was provisional
    pending: dict[str, str] = field(default_factory=dict)


_EMPTY: dict = {}
_NOTHING: tuple = ()


def _counted_year(measure: Discipline, lddt_years: Iterable[int], s: Settings) -> int:
    """The year a disciplinary measure counts in.

    Its own year, except a measure issued later for a violation that already
    cost Lao động tiên tiến in the violation's year: that one is not counted
    again (``discipline_counted_once``) and stays with the violation's year.
    """
    v = measure.violation_year
    if s.discipline_counted_once and v is not None and v < measure.year and v not in lddt_years:
        return v
    return measure.year


def _index(
    ctx: _Context,
    recognitions: Iterable[Recognition],
    awards: Iterable[TitleAward],
    disciplines: Iterable[Discipline],
    registrations: Iterable[Registration],
    articles: Iterable[ArticleCount],
    services: Iterable[Service],
) -> Callable[[int], _Records]:
    """Group every input by person in one pass each; return a lookup by person id.

    Records outside the years the rules look at are dropped here, so the
    per-person work does not grow with the length of the history.
    """
    year, first, s = ctx.year, ctx.first_year, ctx.s
    authored: dict[int, dict[int, list[tuple[Recognition, float]]]] = {}
    for recognition in recognitions:
        decided = recognition.decision_date.year
        if first <= decided <= year:
            for pid, share in recognition.authors.items():
                # An unknown share counts as 0 %: it cannot prove a minimum.
                share = 0 if share is None else share
                by_year = authored.setdefault(pid, {})
                by_year.setdefault(decided, []).append((recognition, share))

    disciplines = tuple(disciplines)
    # Only people with a measure for an earlier violation need their LĐTT years (_counted_year).
    earlier_violation = {
        m.person_id for m in disciplines if m.violation_year is not None and m.violation_year < m.year
    }
    held: dict[int, dict[int, set[str]]] = {}
    lddt_years: dict[int, set[int]] = {}
    uses: dict[int, dict[RecognitionKey, list[TitleAward]]] = {}
    everyones_uses: dict[RecognitionKey, list[TitleAward]] = {}
    pending: dict[int, dict[str, str]] = {}
    per_initiative, shared_uses = s.one_use_per_initiative, not s.coauthors_each_use
    for award in awards:
        pid = award.person_id
        if first <= award.year <= year:
            held.setdefault(pid, {}).setdefault(award.year, set()).add(award.title)
            if award.year == year and award.provisional_on is not None:
                pending.setdefault(pid, {})[award.title] = award.provisional_on
        if pid in earlier_violation and award.title == ADVANCED_WORKER and award.year <= year:
            lddt_years.setdefault(pid, set()).add(award.year)
        # A use blocks the recognition whatever the award's year.
        used = award.used_recognition
        if used is not None:
            # use_key(), inlined: this loop sees every award of the history.
            key = (used[0], ANY_LEVEL) if per_initiative else used
            uses.setdefault(pid, {}).setdefault(key, []).append(award)
            if shared_uses:
                everyones_uses.setdefault(key, []).append(award)

    measures: dict[int, dict[int, list[Discipline]]] = {}
    not_again: dict[int, dict[int, list[Discipline]]] = {}
    for measure in disciplines:
        if measure.year > year:
            continue  # not issued yet, as the evaluated year sees it
        counted = _counted_year(measure, lddt_years.get(measure.person_id, _NOTHING), s)
        if first <= counted <= year:
            measures.setdefault(measure.person_id, {}).setdefault(counted, []).append(measure)
        if counted != measure.year and first <= measure.year <= year:
            not_again.setdefault(measure.person_id, {}).setdefault(measure.year, []).append(measure)

    registered: dict[int, set[str]] = {}
    for registration in registrations:
        if registration.year == year:
            registered.setdefault(registration.person_id, set()).add(registration.title)

    written: dict[int, int] = {}
    for article in articles:
        if article.year == year:
            # Rows add up, so counts may be imported per period.
            written[article.person_id] = written.get(article.person_id, 0) + article.count

    served: dict[int, Service] = {}
    for service in services:
        if service.year == year:
            served[service.person_id] = service

    def lookup(pid: int) -> _Records:
        # Co-authors each may use a recognition (coauthors_each_use), or a
        # use by any of them uses it up for all.
        person_uses = uses.get(pid, _EMPTY) if s.coauthors_each_use else everyones_uses
        return _Records(
            pid,
            authored.get(pid, _EMPTY),
            held.get(pid, _EMPTY),
            person_uses,
            measures.get(pid, _EMPTY),
            registered.get(pid, _NOTHING),
            written.get(pid, 0),
            served.get(pid),
            not_again.get(pid, _EMPTY),
            pending.get(pid, _EMPTY),
        )

    return lookup


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def evaluate_year(
    year: int,
    people: Iterable[Person],
    recognitions: Iterable[Recognition],
    awards: Iterable[TitleAward],
    disciplines: Iterable[Discipline],
    registrations: Iterable[Registration],
    articles: Iterable[ArticleCount],
    settings_by_year: Mapping[int, Settings] | Settings | None = None,
    services: Iterable[Service] = (),
    refusals: Iterable[Any] = (),
) -> dict[int, PersonResult]:
    """Evaluate every title of ``year`` for every person: ``{person_id: PersonResult}``.

    ``settings_by_year`` is one :class:`Settings` or a mapping year -> Settings
    (see :func:`settings_for_year`); the settings of ``year`` apply to all the
    rules evaluated for that year. ``services`` is the time served in the year
    (Lao động tiên tiến), for the people who have a record of it. ``refusals``
    are the titles the officer recorded as not awarded (lower_titles.RefusedTitle).
    An award above LĐTT whose use is not recorded blocks every recognition it may
    have used (unrecorded_uses.py).
    """
    # No gc.disable()/enable() here: it runs inside web requests, and the collector's switch is
    # process-wide, so pausing it would change every other thread of the worker too (issue 19).
    ctx = _context(year, settings_for_year(settings_by_year, year))
    recognitions = tuple(recognitions)
    awards = _unrecorded.with_unrecorded_uses(awards, recognitions, settings_by_year)
    records_of = _index(ctx, recognitions, awards, disciplines, registrations, articles, services)
    refused = _lower.refused_by_person(refusals, year)
    return {p.id: _evaluate(p, ctx, records_of(p.id), refused.get(p.id, _EMPTY)) for p in people}


def evaluate_person(
    person: Person,
    year: int,
    recognitions: Iterable[Recognition],
    awards: Iterable[TitleAward],
    disciplines: Iterable[Discipline] = (),
    registrations: Iterable[Registration] = (),
    articles: Iterable[ArticleCount] = (),
    settings_by_year: Mapping[int, Settings] | Settings | None = None,
    services: Iterable[Service] = (),
    refusals: Iterable[Any] = (),
) -> PersonResult:
    """Evaluate one person; records of other people are ignored."""
    results = evaluate_year(
        year,
        [person],
        recognitions,
        awards,
        disciplines,
        registrations,
        articles,
        settings_by_year,
        services,
        refusals,
    )
    return results[person.id]


def grassroots_cap(lddt_count: int, percent: float, minimum_one: bool = True) -> int:
    """A unit's cap on CSTĐ cơ sở: ``percent`` % of its LĐTT, rounded down.

    The text says "không quá 15%"; ``minimum_one`` (setting ``cap_minimum_one``)
    lets a unit with any LĐTT holder have at least one. Exact arithmetic, so
    that 15 % of 20 is 3 and not 2.9999…; 0 without LĐTT.
    """
    if lddt_count <= 0:
        return 0
    cap = int(lddt_count * Fraction(str(percent)) / 100)
    return max(1, cap) if minimum_one else cap


def unit_caps(
    results: Mapping[int, PersonResult],
    year: int,
    settings: Mapping[int, Settings] | Settings | None = None,
) -> dict[str, dict[str, Any]]:
    """The grassroots cap per unit, from the results of :func:`evaluate_year`.

    ``{unit: {"lddt_count", "cap", "count_awarded_or_eligible", "over_cap",
    "candidates": [person ids, best mean score of their initiatives first]}}``.
    The base is the unit's LĐTT holders whom the engine finds eligible: one
    recorded for a person under a disciplinary measure does not count. The
    engine does not pick: the council chooses among the candidates.
    """
    s = settings_for_year(settings, year)
    units: dict[str, dict[str, Any]] = {}
    ranked: dict[str, list[tuple[float, str, int]]] = {}
    for result in results.values():
        unit = result.person.unit
        entry = units.get(unit)
        if entry is None:
            entry = units[unit] = {
                "lddt_count": 0,
                "cap": 0,
                "count_awarded_or_eligible": 0,
            }
            ranked[unit] = []
        lddt = result.titles[ADVANCED_WORKER]
        if lddt.held and lddt.eligible:
            entry["lddt_count"] += 1
        grassroots = result.titles[GRASSROOTS]
        if grassroots.held or grassroots.eligible:
            entry["count_awarded_or_eligible"] += 1
            score = _best_score(grassroots)
            # Best score first, no score last, then by name and id for a stable list.
            order = -score if score is not None else float("inf")
            ranked[unit].append((order, result.person.full_name, result.person.id))
    for unit, entry in units.items():
        entry["cap"] = grassroots_cap(entry["lddt_count"], s.grassroots_cap_percent, s.cap_minimum_one)
        entry["over_cap"] = entry["count_awarded_or_eligible"] > entry["cap"]
        entry["candidates"] = [pid for _, _, pid in sorted(ranked[unit])]
    return units


def recognition_user(
    person_id: int,
    initiative_id: int,
    level: str,
    awards: Iterable[TitleAward],
    settings: Settings | None = None,
    exclude_award: TitleAward | None = None,
) -> TitleAward | None:
    """The award that already used this recognition for ``person_id`` (then 409), or None.

    "Used" is :func:`use_key`'s: the initiative by default, its level when
    ``one_use_per_initiative`` is off. Co-authors are independent while
    ``coauthors_each_use`` is on. ``exclude_award`` must not block itself.
    """
    s = settings or _DEFAULT_SETTINGS
    key = use_key(initiative_id, level, s)
    for award in awards:
        if award == exclude_award or (s.coauthors_each_use and award.person_id != person_id):
            continue
        used = award.used_recognition
        if used is not None and use_key(*used, s) == key:
            return award
    return None


def can_use_recognition(
    person_id: int,
    initiative_id: int,
    level: str,
    awards: Iterable[TitleAward],
    exclude_award: TitleAward | None = None,
    *,
    settings: Settings | None = None,
) -> bool:
    """Whether ``person_id`` may base an award on this recognition (see :func:`recognition_user`)."""
    return recognition_user(person_id, initiative_id, level, awards, settings, exclude_award) is None


# The condition of each title that names the initiative an award uses.
INITIATIVE_CONDITION = {
    GRASSROOTS: "initiative",
    SECTOR: "sector_initiative",
    NATIONAL: "national_initiative",
}


def recognition_to_use(
    result: TitleResult, initiative_id: int | None = None, level: str | None = None
) -> tuple[RecognitionKey | None, str | None]:
    """The recognition an award of ``result``'s title stores, from the engine's evidence.

    Without ``initiative_id``: the engine's own choice (``result.uses``).
    With it (and optionally ``level``): that initiative's usable recognition.
    Returns ``(key, None)`` or ``(None, why)`` with why one of ``"none"`` (no
    usable recognition), ``"used"`` (named, but already used) or
    ``"not_in_evidence"`` (named, but not among the recognitions the rule
    counts). The recorder stores exactly this: it cannot disagree with the page.
    """
    code = INITIATIVE_CONDITION.get(result.title)
    if code is None:
        return None, "none"
    if initiative_id is None:
        return (result.uses, None) if result.uses is not None else (None, "none")
    evidence = result.condition(code).evidence
    named = [e for e in evidence if e["initiative_id"] == initiative_id and (level is None or e["level"] == level)]
    usable = [e for e in named if e["usable"]]
    if usable:
        chosen = min(usable, key=lambda e: LEVELS.index(e["level"]))
        return (chosen["initiative_id"], chosen["level"]), None
    if any(e["reason"] == "used" for e in named):
        return None, "used"
    return None, (named[0]["reason"] or "not_in_evidence") if named else "not_in_evidence"


# --------------------------------------------------------------------------
# Rules (one function per title, then one per condition)
# --------------------------------------------------------------------------


def _evaluate(person: Person, ctx: _Context, rec: _Records, refused: Mapping[str, str] = _EMPTY) -> PersonResult:
    held = rec.held.get(ctx.year, _NOTHING)
    # The first two conditions are common to LĐTT and CSTĐ cơ sở.
    lddt = _held_condition(ctx, ADVANCED_WORKER, held)
    clean = _no_discipline(ctx, rec, (ctx.year,))
    # A title the officer recorded as refused is not eligible, so no higher title counts it provisionally.
    refuse = _lower.refuse if refused else _lower.unchanged
    grassroots, grassroots_usable = _grassroots(ctx, rec, held, lddt, clean)
    grassroots = refuse(ctx, grassroots, refused)
    sector, sector_usable = _sector(ctx, rec, held, grassroots, grassroots_usable)
    sector = refuse(ctx, sector, refused)
    national = refuse(ctx, _national(ctx, rec, held, sector, (grassroots_usable, sector_usable)), refused)
    titles = {
        # Recorded, not computed: shown with a flag for a disciplinary measure,
        # which excludes the title, and for too short a time served.
        ADVANCED_WORKER: refuse(ctx, _title_result(ADVANCED_WORKER, [lddt, clean, _time_served(ctx, rec)], held),
                                refused),
        GRASSROOTS: grassroots,
        SECTOR: sector,
        NATIONAL: national,
    }
    for title, lower in rec.pending.items():
        if title in titles and lower in titles:
            titles[title] = _lower.with_lower_title(ctx, titles[title], titles[lower])
    return PersonResult(person, ctx.year, titles)


def _title_result(
    title: str, conditions: list[Condition], held: Iterable[str], uses: RecognitionKey | None = None
) -> TitleResult:
    # A warning is shown but never decides.
    eligible = all(c.met or c.warning_only for c in conditions)
    return TitleResult(title, eligible, conditions, title in held, uses if eligible else None)


def _grassroots(
    ctx: _Context, rec: _Records, held: Iterable[str], lddt: Condition, clean: Condition
) -> tuple[TitleResult, list[RecognitionKey]]:
    initiative, usable, chosen = _initiative_condition(
        "initiative",
        GRASSROOTS,
        ctx,
        rec,
        LEVELS,
        ctx.grassroots_years,
        Phrase("được công nhận cấp cơ sở trở lên"),
    )
    conditions = [
        lddt,
        initiative,
        clean,
        _article_quota(ctx, rec),
        _registered(ctx, rec),
    ]
    return _title_result(GRASSROOTS, conditions, held, chosen), usable


def _sector(
    ctx: _Context,
    rec: _Records,
    held: Iterable[str],
    grassroots: TitleResult,
    grassroots_usable: list[RecognitionKey],
) -> tuple[TitleResult, list[RecognitionKey]]:
    consecutive = _consecutive(ctx, "consecutive_grassroots", GRASSROOTS, ctx.sector_years, rec, grassroots)
    initiative, usable, chosen = _initiative_condition(
        "sector_initiative",
        SECTOR,
        ctx,
        rec,
        ("sector",),
        ctx.sector_years,
        Phrase("được VKSND tối cao công nhận cấp Ngành"),
    )
    if consecutive.provisional:
        # The provisional CSTĐ cơ sở of Y needs a recognition of its own.
        initiative = _check_distinct(initiative, ctx, [usable, grassroots_usable], [GRASSROOTS])
    conditions = [consecutive, initiative, _no_discipline(ctx, rec, ctx.sector_years)]
    return _title_result(SECTOR, conditions, held, chosen if initiative.met else None), usable


def _national(
    ctx: _Context,
    rec: _Records,
    held: Iterable[str],
    sector: TitleResult,
    lower_usable: tuple[list[RecognitionKey], list[RecognitionKey]],
) -> TitleResult:
    consecutive = _consecutive(ctx, "consecutive_sector", SECTOR, ctx.sector_title_years, rec, sector)
    initiative, usable, chosen = _initiative_condition(
        "national_initiative",
        NATIONAL,
        ctx,
        rec,
        ("national",),
        ctx.national_years,
        Phrase("được công nhận phạm vi toàn quốc"),
    )
    if consecutive.provisional:
        # Every title of Y counted only provisionally needs its own recognition.
        grassroots_usable, sector_usable = lower_usable
        pools, titles = [usable, sector_usable], [SECTOR]
        if sector.condition("consecutive_grassroots").provisional:
            pools.append(grassroots_usable)
            titles.append(GRASSROOTS)
        initiative = _check_distinct(initiative, ctx, pools, titles)
    conditions = [consecutive, initiative, _no_discipline(ctx, rec, ctx.national_years)]
    return _title_result(NATIONAL, conditions, held, chosen if initiative.met else None)


# --- single conditions ----------------------------------------------------


def _shared(ctx: _Context, key: tuple, build: Callable[[], Condition]) -> Condition:
    """The year's shared condition for ``key``, built on first use."""
    condition = ctx.shared.get(key)
    if condition is None:
        condition = ctx.shared[key] = build()
    return condition


def _held_condition(ctx: _Context, title: str, held: Iterable[str]) -> Condition:
    has = title in held
    return _shared(ctx, ("held", title, has), lambda: _build_held(title, ctx.year, has))


def _build_held(title: str, year: int, has: bool) -> Condition:
    label = Phrase(TITLE_LABELS[title])
    if has:
        detail = Phrase("Đã được ghi nhận danh hiệu %(title)s năm %(year)s.", title=label, year=year)
        return Condition(title, True, detail, [{"year": year, "title": title}])
    return Condition(title, False, Phrase("Chưa được ghi nhận danh hiệu %(title)s năm %(year)s.",
                                          title=label, year=year))


def _no_discipline(ctx: _Context, rec: _Records, years: tuple[int, ...]) -> Condition:
    measures, not_again = rec.disciplines, rec.not_again
    found = measures and [
        _measure_evidence(m, y) for y in years for m in measures.get(y, _NOTHING)
    ]
    spared = not_again and [_measure_evidence(m, m.year) for y in years for m in not_again.get(y, _NOTHING)]
    if not found and not spared:
        return _shared(ctx, ("clean", years), lambda: _build_clean(years))
    if not found:
        listed = Listing((_measure_text(e) for e in spared), "; ")
        detail = Phrase("%(clean)s Không tính lại: %(measures)s — vi phạm đã bị xét không đạt "
                        "Lao động tiên tiến năm vi phạm.", clean=_build_clean(years).detail, measures=listed)
        return Condition("no_discipline", True, detail, spared)
    listed = Listing((_measure_text(e) for e in found), "; ")
    return Condition("no_discipline", False, Phrase("Bị kỷ luật: %(measures)s.", measures=listed), found)


def _measure_evidence(measure: Discipline, counted: int) -> dict[str, Any]:
    """``{year, level}``, plus ``issued`` and ``violation_year`` for a measure of an earlier violation."""
    item: dict[str, Any] = {"year": counted, "level": measure.level}
    violation = measure.violation_year if measure.violation_year is not None else measure.year
    if violation != measure.year or counted != measure.year:
        item.update(issued=measure.year, violation_year=violation)
    return item


def _measure_text(evidence: dict[str, Any]) -> Phrase:
    issued = evidence.get("issued", evidence["year"])
    level = Phrase(DISCIPLINE_LABELS[evidence["level"]])
    if evidence.get("violation_year", issued) != issued:
        return Phrase("%(level)s năm %(year)s (vi phạm năm %(violation)s)", level=level, year=issued,
                      violation=evidence["violation_year"])
    return Phrase("%(level)s năm %(year)s", level=level, year=issued)


def _build_clean(years: tuple[int, ...]) -> Condition:
    detail = Phrase("Không bị kỷ luật từ khiển trách trở lên trong %(years)s.", years=_years_text(years))
    return Condition("no_discipline", True, detail)


def months_served(recruited_on: date, year: int) -> int:
    """Whole months from the recruitment date to the end of ``year`` (12 when recruited earlier)."""
    if recruited_on.year < year:
        return 12
    if recruited_on.year > year:
        return 0
    return 12 - recruited_on.month + (1 if recruited_on.day == 1 else 0)


def _time_served(ctx: _Context, rec: _Records) -> Condition:
    """LĐTT: recruited at least ``min_service_months`` before the year's end, off work under ``leave_flag_months``.

    A flag for the officer (warning only): the texts have exceptions (maternity
    leave, treatment of a work injury...) that the officer judges.
    """
    service, s, year = rec.service, ctx.s, ctx.year
    if service is None:
        return _shared(ctx, ("served", None), lambda: Condition(
            "time_served", True, Phrase("Không có ghi nhận tuyển dụng hoặc nghỉ việc trong năm %(year)s.",
                                        year=year),
            warning_only=True))
    notes = []
    evidence = {"year": year, "recruited_on": None, "months_served": 12, "leave_months": service.leave_months}
    if service.recruited_on is not None:
        served = months_served(service.recruited_on, year)
        evidence.update(recruited_on=service.recruited_on.isoformat(), months_served=served)
        if served < s.min_service_months:
            notes.append(Phrase("tuyển dụng ngày %(date)s, mới công tác %(months)s tháng trong năm "
                                "(dưới %(minimum)s tháng)", date=f"{service.recruited_on:%d/%m/%Y}",
                                months=served, minimum=s.min_service_months))
    if service.leave_months >= s.leave_flag_months:
        notes.append(Phrase("nghỉ việc %(months)s tháng trong năm (từ %(flag)s tháng trở lên)",
                            months=_number(service.leave_months), flag=s.leave_flag_months))
    if notes:
        detail = Phrase("Cần xem xét thời gian công tác: %(notes)s. Không bình xét Lao động tiên tiến, trừ các "
                        "trường hợp văn bản cho phép.", notes=Listing(notes, "; "))
        return Condition("time_served", False, detail, [evidence], warning_only=True)
    detail = Phrase("Thời gian công tác năm %(year)s đủ để bình xét Lao động tiên tiến.", year=year)
    return Condition("time_served", True, detail, [evidence], warning_only=True)


def _article_quota(ctx: _Context, rec: _Records) -> Condition:
    written = rec.articles
    return _shared(ctx, ("articles", written), lambda: _build_article_quota(ctx, written))


def _build_article_quota(ctx: _Context, written: int) -> Condition:
    quota, year = ctx.s.article_quota, ctx.year
    evidence = [{"year": year, "count": written, "quota": quota}]
    if quota <= 0:
        detail = Phrase("Điều kiện không áp dụng: chỉ tiêu viết tin, bài năm %(year)s là 0.", year=year)
        return Condition("article_quota", True, detail, evidence)
    if written >= quota:
        detail = Phrase("Đã viết %(count)s tin, bài năm %(year)s (chỉ tiêu %(quota)s).", count=written, year=year,
                        quota=quota)
        return Condition("article_quota", True, detail, evidence)
    detail = Phrase("Mới viết %(count)s tin, bài năm %(year)s, chưa đạt chỉ tiêu %(quota)s.", count=written,
                    year=year, quota=quota)
    return Condition("article_quota", False, detail, evidence)


def _registered(ctx: _Context, rec: _Records) -> Condition:
    # A registration for a higher title also counts.
    titles = tuple(t for t in _GRASSROOTS_AND_HIGHER if t in rec.registered)
    return _shared(ctx, ("registered", titles), lambda: _build_registered(ctx, titles))


def _build_registered(ctx: _Context, titles: tuple[str, ...]) -> Condition:
    warning_only = not ctx.s.require_registration
    evidence = [{"year": ctx.year, "title": t} for t in titles]
    if titles:
        names = Listing(Phrase(TITLE_LABELS[t]) for t in titles)
        detail = Phrase("Đã đăng ký danh hiệu %(titles)s năm %(year)s.", titles=names, year=ctx.year)
        return Condition("registered", True, detail, evidence, warning_only)
    if warning_only:
        note = Phrase("chỉ cảnh báo, việc đăng ký không bắt buộc")
    else:
        note = Phrase("bắt buộc đăng ký theo thiết lập của năm")
    detail = Phrase("Chưa đăng ký danh hiệu %(title)s hoặc cao hơn năm %(year)s (%(note)s).",
                    title=Phrase(TITLE_LABELS[GRASSROOTS]), year=ctx.year, note=note)
    return Condition("registered", False, detail, evidence, warning_only)


def _consecutive(
    ctx: _Context,
    code: str,
    title: str,
    years: tuple[int, ...],
    rec: _Records,
    current: TitleResult,
) -> Condition:
    """``title`` recorded in each of ``years``; the last one (Y) may be provisional."""
    pattern = tuple(title in rec.held.get(y, _NOTHING) for y in years)
    # Only the evaluated year's own title can be provisional.
    current_eligible = current.eligible and years[-1] == ctx.year
    key = (code, pattern, current_eligible)
    return _shared(
        ctx,
        key,
        lambda: _build_consecutive(code, title, years, pattern, current_eligible),
    )


def _build_consecutive(
    code: str,
    title: str,
    years: tuple[int, ...],
    pattern: tuple[bool, ...],
    current_eligible: bool,
) -> Condition:
    current_year = years[-1]
    evidence, missing, provisional = [], [], False
    for y, has in zip(years, pattern, strict=True):
        if has:
            evidence.append({"year": y, "title": title, "provisional": False})
        elif y == current_year and current_eligible:
            # Not decided yet for Y, but the engine finds it eligible now.
            provisional = True
            evidence.append({"year": y, "title": title, "provisional": True})
        else:
            missing.append(y)
    label, wanted = Phrase(TITLE_LABELS[title]), _years_text(years)
    if missing:
        lacking = _years_text(tuple(missing))
        detail = Phrase("Thiếu danh hiệu %(title)s %(lacking)s (cần đạt %(wanted)s).", title=label,
                        lacking=lacking, wanted=wanted)
        return Condition(code, False, detail, evidence)
    if provisional:
        detail = Phrase("Đạt danh hiệu %(title)s %(wanted)s (năm %(year)s tạm tính: đủ điều kiện theo kết quả "
                        "xét hiện tại, chưa có quyết định).", title=label, wanted=wanted, year=current_year)
    else:
        detail = Phrase("Đạt danh hiệu %(title)s %(wanted)s.", title=label, wanted=wanted)
    return Condition(code, True, detail, evidence, provisional=provisional)


def _initiative_condition(
    code: str,
    title: str,
    ctx: _Context,
    rec: _Records,
    levels: tuple[str, ...],
    years: tuple[int, ...],
    requirement: Phrase,
) -> tuple[Condition, list[RecognitionKey], RecognitionKey | None]:
    """P authored a recognition of ``levels`` decided in ``years`` and may still use it.

    Returns the condition, the usable use keys (see :func:`use_key`), so that a
    provisional lower title of the same year can be checked not to lean on the
    same recognition, and the recognition an award of ``title`` would use.
    """
    authored = rec.authored
    candidates = [
        (recognition, share)
        for y in years
        if y in authored
        for recognition, share in authored[y]
        if recognition.level in levels
    ]
    where = _where_text(years)
    if not candidates:
        # The most common case, the same for everybody: shared.
        key = (code, "none")
        none = ctx.shared.get(key)
        if none is None:
            detail = Phrase("Không là tác giả sáng kiến nào %(requirement)s, %(where)s.", requirement=requirement,
                            where=where)
            none = ctx.shared[key] = Condition(code, False, detail)
        return none, [], None
    s = ctx.s
    evidence: list[dict[str, Any]] = []
    usable: list[RecognitionKey] = []
    notes: list[Phrase] = []
    for recognition, share in candidates:
        item = _recognition_evidence(recognition, share)
        evidence.append(item)
        if share < s.min_author_share:
            item["reason"] = "share_below_minimum"
            notes.append(Phrase(
                "%(initiative)s: tỷ lệ đóng góp %(share)s %% thấp hơn mức tối thiểu %(minimum)s %%",
                initiative=_recognition_text(item), share=_number(share), minimum=_number(s.min_author_share)))
            continue
        key = use_key(recognition.initiative_id, recognition.level, s)
        blocker = _blocking_award(rec, key, title, ctx.year)
        if blocker is None:
            item["usable"] = True
            if key not in usable:
                usable.append(key)
            continue
        item["reason"] = _unrecorded.REASON if blocker.use_unknown else "used"
        item["used_for"] = {"title": blocker.title, "year": blocker.year}
        if blocker.use_unknown:
            notes.append(_unrecorded.note(_recognition_text(item), blocker))
            continue
        if blocker.person_id == rec.person_id:
            msgid = "%(initiative)s đã được dùng cho danh hiệu %(title)s năm %(year)s"
        else:
            msgid = "%(initiative)s đã được dùng cho danh hiệu %(title)s năm %(year)s của đồng tác giả"
        notes.append(Phrase(msgid, initiative=_recognition_text(item), title=Phrase(TITLE_LABELS[blocker.title]),
                            year=blocker.year))
    evidence.sort(key=_evidence_order)
    chosen = _choose(evidence, rec) if usable else None
    if usable:
        names = Listing((_recognition_text(e) for e in evidence if e["usable"]), "; ")
        detail = Phrase("Là tác giả sáng kiến %(requirement)s, %(where)s: %(initiatives)s. Sử dụng: %(used)s.",
                        requirement=requirement, where=where, initiatives=names,
                        used=_recognition_text(next(e for e in evidence if e["uses"])))
    else:
        detail = Phrase("Không là tác giả sáng kiến nào %(requirement)s, %(where)s mà còn sử dụng được.",
                        requirement=requirement, where=where)
    if notes:
        detail = Phrase("%(detail)s Ghi chú: %(notes)s.", detail=detail, notes=Listing(notes, "; "))
    return Condition(code, bool(usable), detail, evidence), usable, chosen


def _top_levels(rec: _Records) -> dict[int, int]:
    """initiative id -> the highest level it is recognised at, among P's recognitions in view."""
    top: dict[int, int] = {}
    for pairs in rec.authored.values():
        for recognition, _share in pairs:
            rank = LEVELS.index(recognition.level)
            if rank > top.get(recognition.initiative_id, -1):
                top[recognition.initiative_id] = rank
    return top


def _choose(evidence: list[dict[str, Any]], rec: _Records) -> RecognitionKey:
    """Mark and return the usable recognition an award uses.

    The one worth least to a higher title goes first: the initiative whose
    highest recognition is lowest, then the lower level, then the earliest
    decision (it leaves the windows of the higher titles first).
    """
    usable = [e for e in evidence if e["usable"]]
    if len(usable) == 1:
        item = usable[0]
    else:
        top = _top_levels(rec)
        item = min(
            usable,
            key=lambda e: (top.get(e["initiative_id"], 0), LEVELS.index(e["level"]), e["decision_date"],
                           e["initiative_id"]),
        )
    item["uses"] = True
    return (item["initiative_id"], item["level"])


def _check_distinct(
    condition: Condition,
    ctx: _Context,
    pools: list[list[RecognitionKey]],
    lower_titles: list[str],
) -> Condition:
    """Fail ``condition`` when it and the provisional lower titles cannot each use a different recognition.

    ``pools[0]`` is the usable use keys of the condition's own title; the
    others those of the provisional ``lower_titles`` of the same year.
    """
    if not condition.met or _distinct_choice(pools):
        return condition
    names = Listing(Phrase(TITLE_LABELS[t]) for t in lower_titles)
    rule = Phrase("mỗi sáng kiến") if ctx.s.one_use_per_initiative else Phrase("mỗi lần công nhận sáng kiến")
    detail = Phrase("%(detail)s Tuy nhiên, đó cũng là căn cứ duy nhất để tạm tính danh hiệu %(titles)s năm "
                    "%(year)s, mà %(rule)s chỉ được sử dụng một lần.", detail=condition.detail, titles=names,
                    year=ctx.year, rule=rule)
    return Condition(condition.code, False, detail, condition.evidence)


def _distinct_choice(pools: list[list[RecognitionKey]]) -> bool:
    """Whether a different recognition can be picked from each pool (at most three small pools)."""

    def pick(i: int, taken: set[RecognitionKey]) -> bool:
        if i == len(pools):
            return True
        for key in pools[i]:
            if key not in taken and pick(i + 1, taken | {key}):
                return True
        return False

    return pick(0, set())


def _blocking_award(rec: _Records, key: RecognitionKey, title: str, year: int) -> TitleAward | None:
    """An award that used the recognition (use key), other than P's own (title, year) itself.

    The award being re-evaluated must not block itself: when P holds T in Y
    on the strength of R, R still counts for T in Y.
    """
    for award in rec.uses.get(key, _NOTHING):
        if award.person_id != rec.person_id or award.title != title or award.year != year:
            return award
    return None


def _best_score(grassroots: TitleResult) -> float | None:
    scores = [
        e["best_mean_score"]
        for e in grassroots.condition("initiative").evidence
        if e["usable"] and e["best_mean_score"] is not None
    ]
    return max(scores) if scores else None


# --- evidence and texts ---------------------------------------------------


def _recognition_evidence(recognition: Recognition, share: float) -> dict[str, Any]:
    return {
        "initiative_id": recognition.initiative_id,
        "title": recognition.title,
        "level": recognition.level,
        "decision_date": recognition.decision_date.isoformat(),
        "share": share,
        "best_mean_score": recognition.best_mean_score,
        "usable": False,
        # None, "used" or "share_below_minimum"
        "reason": None,
        # {"title", "year"} of the other award that used it
        "used_for": None,
        # the recognition an award of the title would use (one per condition)
        "uses": False,
    }


def _evidence_order(item: dict[str, Any]) -> tuple[str, int, int]:
    return (item["decision_date"], item["initiative_id"], LEVELS.index(item["level"]))


def _recognition_text(evidence: dict[str, Any]) -> Phrase:
    y, m, d = evidence["decision_date"].split("-")
    return Phrase("“%(title)s” (%(level)s, quyết định ngày %(date)s)", title=evidence["title"],
                  level=Phrase(LEVEL_LABELS[evidence["level"]]), date=f"{d}/{m}/{y}")


@lru_cache(maxsize=256)
def _years_text(years: tuple[int, ...]) -> Phrase:
    """'năm 2024', 'các năm 2022–2024' or 'các năm 2018–2019, 2022'."""
    ys = sorted(set(years))
    if len(ys) == 1:
        return Phrase("năm %(year)s", year=ys[0])
    runs: list[list[int]] = []
    for y in ys:
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    spans = ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)
    return Phrase("các năm %(years)s", years=spans)


@lru_cache(maxsize=256)
def _where_text(years: tuple[int, ...]) -> Phrase:
    return Phrase("có quyết định công nhận trong %(years)s", years=_years_text(years))


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


# Rules kept in modules of their own, which read this module's vocabulary at call time.
from portal.emulation import lower_titles as _lower  # noqa: E402
from portal.emulation import unrecorded_uses as _unrecorded  # noqa: E402

"""Benchmark of the eligibility engine on a large procuracy.

Run: ``python tests/benchmarks/bench_eligibility.py [n_people]``

Builds ``n_people`` staff with ten years of records (titles, disciplines,
registrations, article counts, initiatives with co-authors recognised at
grassroots, sector and national level, awards that used them) and times
:func:`evaluate_year` plus :func:`unit_caps` for the last year. Only the
engine's own time is measured; generating the data is excluded. Target: well
under one second for 15,000 people.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date
from itertools import pairwise
from pathlib import Path

# Runnable as a plain script from a fresh clone, without installing the package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from portal.emulation.engine import (
    ADVANCED_WORKER,
    GRASSROOTS,
    NATIONAL,
    SECTOR,
    TITLES,
    ArticleCount,
    Discipline,
    Person,
    Recognition,
    Registration,
    Settings,
    TitleAward,
    evaluate_year,
    unit_caps,
)

FIRST_YEAR, LAST_YEAR = 2015, 2024
UNITS = [f"Phòng {i}" for i in range(1, 31)] + [f"VKS quận {i}" for i in range(1, 71)]


def build_data(n_people: int, seed: int = 2024) -> dict:
    """Synthetic but plausible records: most staff LĐTT, some CSTĐ, few higher."""
    rnd = random.Random(seed)
    people = [
        Person(pid, f"user{pid}", f"Cán bộ {pid}", rnd.choice(UNITS), rnd.random() < 0.15)
        for pid in range(1, n_people + 1)
    ]
    recognitions: list[Recognition] = []
    awards: list[TitleAward] = []
    disciplines: list[Discipline] = []
    registrations: list[Registration] = []
    articles: list[ArticleCount] = []
    initiative_id = 0
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        # About one initiative per five staff a year, one to four authors.
        for _ in range(n_people // 5):
            initiative_id += 1
            authors = rnd.sample(range(1, n_people + 1), rnd.randint(1, 4))
            shares = _shares(rnd, len(authors))
            author_map = dict(zip(authors, shares, strict=True))
            score = round(rnd.uniform(60, 98), 2)
            title = f"Sáng kiến số {initiative_id}"
            day = date(year, rnd.randint(1, 12), rnd.randint(1, 28))
            recognitions.append(Recognition(initiative_id, title, "grassroots", day, author_map, score))
            if rnd.random() < 0.2:
                recognitions.append(
                    Recognition(
                        initiative_id,
                        title,
                        "sector",
                        _later(rnd, day),
                        author_map,
                        score,
                    )
                )
                if rnd.random() < 0.2:
                    recognitions.append(
                        Recognition(
                            initiative_id,
                            title,
                            "national",
                            _later(rnd, day),
                            author_map,
                            score,
                        )
                    )
            for pid in authors:
                if rnd.random() < 0.5:
                    awards.append(TitleAward(pid, year, GRASSROOTS, initiative_id, "grassroots"))
        for person in people:
            pid = person.id
            if rnd.random() < 0.85:
                awards.append(TitleAward(pid, year, ADVANCED_WORKER))
            if rnd.random() < 0.03:
                awards.append(TitleAward(pid, year, SECTOR))
            if rnd.random() < 0.005:
                awards.append(TitleAward(pid, year, NATIONAL))
            if rnd.random() < 0.02:
                disciplines.append(Discipline(pid, year, rnd.choice(["reprimand", "warning"])))
            registrations.append(Registration(pid, year, rnd.choice(TITLES[:3])))
            articles.append(ArticleCount(pid, year, rnd.randint(0, 6)))
    return {
        "people": people,
        "recognitions": recognitions,
        "awards": awards,
        "disciplines": disciplines,
        "registrations": registrations,
        "articles": articles,
    }


def _shares(rnd: random.Random, n: int) -> list[float]:
    cuts = sorted(rnd.randint(1, 99) for _ in range(n - 1))
    bounds = [0, *cuts, 100]
    return [float(b - a) for a, b in pairwise(bounds)]


def _later(rnd: random.Random, day: date) -> date:
    # Higher recognitions come months after the grassroots decision.
    year = min(day.year + rnd.randint(0, 1), LAST_YEAR)
    return date(year, rnd.randint(1, 12), rnd.randint(1, 28))


def run(n_people: int = 15000, year: int = LAST_YEAR, repeat: int = 3) -> dict:
    """Time one year for everybody; returns the best of ``repeat`` runs."""
    data = build_data(n_people)
    settings = {year: Settings(article_quota=2)}
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        results = evaluate_year(
            year,
            data["people"],
            data["recognitions"],
            data["awards"],
            data["disciplines"],
            data["registrations"],
            data["articles"],
            settings,
        )
        caps = unit_caps(results, year, settings)
        timings.append(time.perf_counter() - start)
    eligible = {t: sum(r.titles[t].eligible for r in results.values()) for t in TITLES}
    return {
        "people": n_people,
        "year": year,
        "records": sum(len(v) for k, v in data.items() if k != "people"),
        "seconds": min(timings),
        "seconds_all": timings,
        "eligible": eligible,
        "units": len(caps),
    }


def main() -> None:
    n_people = int(sys.argv[1]) if len(sys.argv) > 1 else 15000
    report = run(n_people)
    print(
        f"evaluate_year + unit_caps: {report['people']} people, {report['records']} records, "
        f"year {report['year']}: {report['seconds']:.3f} s (best of "
        f"{len(report['seconds_all'])}: {', '.join(f'{t:.3f}' for t in report['seconds_all'])})"
    )
    print(f"eligible per title: {report['eligible']}; units: {report['units']}")


if __name__ == "__main__":
    main()

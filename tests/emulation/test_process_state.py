"""The engine runs inside web requests: it must leave interpreter-wide state alone (issue 19).

The garbage collector's on/off switch belongs to the whole process, so a request that turned it
off and on again changed it for the other threads of the worker in the middle of their work.
"""
import gc
from datetime import date

from portal.emulation.engine import Person, Recognition, Settings, TitleAward, evaluate_year


def test_evaluating_a_year_never_switches_the_garbage_collector(monkeypatch):
    calls = []
    for name in ("disable", "enable", "freeze", "unfreeze", "set_threshold"):
        monkeypatch.setattr(gc, name, lambda *args, _name=name: calls.append(_name))
    people = [Person(i, f"user{i}", f"Người {i}", f"Phòng {i % 3}") for i in range(1, 40)]
    recognitions = [Recognition(100 + i, f"Sáng kiến {i}", "grassroots", date(2024, 6, 1), {i: 100}, 70.0)
                    for i in range(1, 40)]
    awards = [TitleAward(i, y, "advanced_worker", None, None) for i in range(1, 40) for y in (2022, 2023, 2024)]

    results = evaluate_year(2024, people, recognitions, awards, [], [], [], Settings())

    assert len(results) == len(people)
    assert calls == []

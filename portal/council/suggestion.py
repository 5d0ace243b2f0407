"""Who is best placed to score an initiative: a plain rule, no Flask, tested directly.

The secretary sees the suggestion pre-ticked on the assignment page; she may untick it and
pick others. The rule (docs/rules.md, "Assignment"):

1. never someone with a conflict: an author or co-author, a member who stepped aside in this
   round, one already assigned; nor one whose assignment was withdrawn in this round (they may
   still be chosen by hand);
2. a member from another unit than the initiative and its authors before one from the same
   unit (the same unit is allowed, with a warning, only when there are not enough others);
3. then the fewest open sheets (assigned this year, not yet submitted);
4. then plain members before the officers (vice-chair, secretary, chair), then by name.
"""
from dataclasses import dataclass

# Plain members score first; the officers have the meeting to run.
ROLE_ORDER = {"member": 0, "vice_chair": 1, "secretary": 2, "chair": 3}


@dataclass(frozen=True)
class Candidate:
    """A member of the year's council as the rule sees them."""
    user_id: int
    name: str
    role: str
    same_unit: bool = False       # same unit as the initiative or one of its authors
    open_sheets: int = 0          # active assignments of the year with the sheet not submitted
    conflict: str | None = None   # why they may not score it (author, recused, assigned); None when free
    withdrawn: bool = False       # their assignment of this round was withdrawn: free, never suggested


def ranked(candidates):
    """The free candidates, best placed first (those withdrawn in this round last)."""
    free = [c for c in candidates if c.conflict is None]
    return sorted(free, key=lambda c: (c.withdrawn, c.same_unit, c.open_sheets, ROLE_ORDER.get(c.role, 9), c.name,
                                       c.user_id))


def suggest(candidates, needed):
    """The ids of the `needed` best-placed free candidates (fewer when there are not enough)."""
    if needed <= 0:
        return []
    return [c.user_id for c in ranked(candidates) if not c.withdrawn][:needed]


def picker_order(candidates, suggested):
    """The order of the assignment page's picker: the suggested first (as `suggested` lists them),
    then the other free members best placed first, then those who may not score it, by name."""
    chosen = {user_id: place for place, user_id in enumerate(suggested)}
    placed = {c.user_id: place for place, c in enumerate(ranked(candidates))}

    def key(c):
        if c.user_id in chosen:
            return 0, chosen[c.user_id], ""
        if c.user_id in placed:
            return 1, placed[c.user_id], ""
        return 2, 0, f"{c.name}\x00{c.user_id}"
    return sorted(candidates, key=key)

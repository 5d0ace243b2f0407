"""Search as you type, and example queries; pure Python (no Whoosh, no Flask).

Built once per index generation from the titles of the live documents:
every title, folded, for "titles containing what was typed", and the word
sequences of two to four syllables that several titles share ("common
phrases"), each with the accented spelling most titles use. A request then
costs a bisect and a scan of the titles in memory.
"""

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from portal.search.analysis import fold_words, words

MIN_SYLLABLES = 2
GRAM_SIZES = (2, 3, 4)
MIN_TITLES = 2  # titles a phrase must appear in to be offered


@dataclass
class Title:
    pk: int
    local: int  # docnum in its segment
    text: str
    folded: str  # " word word … " for substring tests at word starts
    published: float


def _grams(tokens: list[str], folded: list[str]):
    seen = set()
    for n in GRAM_SIZES:
        for i in range(len(folded) - n + 1):
            key = " ".join(folded[i : i + n])
            if key not in seen:
                seen.add(key)
                yield key, " ".join(tokens[i : i + n])


class SegmentTitles:
    """The titles of one immutable segment, analysed once."""

    def __init__(self, pks: list, headings: list, published: list):
        self.titles: list[Title] = []
        counts, spellings = Counter(), {}
        for local, (pk, text, when) in enumerate(zip(pks, headings, published, strict=True)):
            tokens = words(text)
            folded = fold_words(tokens)
            self.titles.append(Title(pk, local, text, " " + " ".join(folded) + " ", when))
            for key, spelled in _grams(tokens, folded):
                counts[key] += 1
                spellings.setdefault(key, Counter())[spelled] += 1
        # (folded phrase, titles holding it, most used spelling, its uses)
        self.phrases = sorted((key, n, *spellings[key].most_common(1)[0]) for key, n in counts.items())
        self.keys = [p[0] for p in self.phrases]

    def starting_with(self, needle: str):
        for i in range(bisect_left(self.keys, needle), len(self.keys)):
            if not self.keys[i].startswith(needle):
                break
            yield self.phrases[i]


class Completions:
    """What a generation offers: its segments' titles, less the deleted documents."""

    def __init__(self, segments: list[tuple[SegmentTitles, frozenset]]):
        self.segments = segments

    def _phrases(self, found) -> list[tuple[str, int, str]]:
        counts, spelled = Counter(), {}
        for key, n, spelling, uses in found:
            counts[key] += n
            if uses > spelled.get(key, ("", 0))[1]:
                spelled[key] = (spelling, uses)
        return [(key, n, spelled[key][0]) for key, n in counts.items() if n >= MIN_TITLES]

    def complete(self, q: str, limit: int = 8) -> dict:
        """Phrases and titles for what has been typed so far (the last word may be cut short)."""
        tokens = words(q)
        if len(tokens) < MIN_SYLLABLES:
            return {"phrases": [], "titles": []}
        folded = fold_words(tokens)
        finished = bool(q) and not q[-1].isalnum()
        needle = " ".join(folded) + (" " if finished else "")
        phrases = self._phrases(p for seg, _ in self.segments for p in seg.starting_with(needle))
        phrases = [p for p in phrases if len(p[0]) > len(needle.strip())]
        phrases.sort(key=lambda p: (-p[1], p[0]))
        wanted = " " + needle
        titles = [t for seg, deleted in self.segments for t in seg.titles
                  if wanted in t.folded and t.local not in deleted]
        titles.sort(key=lambda t: (not t.folded.startswith(wanted), -t.published))
        n_phrases = min(len(phrases), max(limit // 2, limit - len(titles)))
        return {
            "phrases": [(spelled, n) for _key, n, spelled in phrases[:n_phrases]],
            "titles": [(t.pk, t.text) for t in titles[: limit - n_phrases]],
        }

    def examples(self, n: int = 3) -> list[str]:
        """Common phrases that share no word, the longest and most used first."""
        ranked = self._phrases(p for seg, _ in self.segments for p in seg.phrases)
        ranked.sort(key=lambda p: (-(p[1] * len(p[0].split())), p[0]))
        chosen, used = [], set()
        for key, _n, spelled in ranked:
            syllables = set(key.split())
            if syllables & used:
                continue
            chosen.append(spelled)
            used |= syllables
            if len(chosen) == n:
                break
        return chosen


def spell(targets: list[tuple], typed: list, texts: list[str]) -> str | None:
    """A query for the folded ``targets`` (one tuple of words per clause; a
    tuple of several is a phrase) in the spelling ``texts`` use most.

    A word is spelled as it appears most often in the texts, an occurrence
    beside the query's neighbouring word counting double ("hành án" rather
    than "hành an"); a word typed with diacritics and left as it was keeps
    them (``typed``: the clause's word as typed, or None).
    """
    flat = [w for t in targets for w in t]
    wanted = set(flat)
    votes: dict[str, Counter] = {w: Counter() for w in wanted}
    for text in texts:
        tokens = words(text)
        folded = fold_words(tokens)
        for i, f in enumerate(folded):
            if f not in wanted:
                continue
            weight = 1
            for k, w in enumerate(flat):
                if w == f and ((k and i and folded[i - 1] == flat[k - 1])
                               or (k + 1 < len(flat) and i + 1 < len(folded) and folded[i + 1] == flat[k + 1])):
                    weight = 2
                    break
            votes[f][tokens[i]] += weight
    out = []
    for target, as_typed in zip(targets, typed, strict=True):
        spelled = []
        for w in target:
            if as_typed is not None and len(target) == 1 and fold_words([as_typed])[0] == w:
                spelled.append(as_typed)
            elif votes[w]:
                spelled.append(votes[w].most_common(1)[0][0])
            else:
                spelled.append(w)
        out.append('"' + " ".join(spelled) + '"' if len(target) > 1 else spelled[0])
    return " ".join(out) if out else None

"""Search as you type, and example queries; pure Python (no Whoosh, no Flask).

Built once per index generation from the titles of the live documents:
every title, folded, for "titles containing what was typed", and the word
sequences of two to four syllables that several titles share ("common
phrases"), each with the accented spelling most titles use. A request then
costs a bisect and a scan of the titles in memory.
"""

from bisect import bisect_left, bisect_right
from collections import Counter

from portal.search.analysis import fold_words, words

MIN_SYLLABLES = 2
GRAM_SIZES = (2, 3, 4)
MIN_TITLES = 2  # titles a phrase must appear in to be offered
EXAMPLE_POOL = 200  # phrases per segment considered for the examples


def _grams(folded: list[str]):
    seen = set()
    for n in GRAM_SIZES:
        for i in range(len(folded) - n + 1):
            key = " ".join(folded[i : i + n])
            if key not in seen:
                seen.add(key)
                yield key, i, n


class SegmentTitles:
    """The titles of one immutable segment, analysed once.

    The folded titles, newest first, are one string of lines, so that
    finding those holding what was typed is ``str.find`` (C) rather than a
    loop over twenty thousand titles; phrases are counted in one pass and
    spelled only when several titles share them.
    """

    def __init__(self, pks: list, headings: list, published: list):
        order = sorted(range(len(pks)), key=lambda i: -published[i])
        self.locals = order
        self.pks = [pks[i] for i in order]
        self.texts = [headings[i] for i in order]
        self.published = [published[i] for i in order]
        tokens = [words(t) for t in self.texts]
        folded = [fold_words(t) for t in tokens]
        lines = [" ".join(f) for f in folded]
        self.starts, offset = [], 1
        for line in lines:
            self.starts.append(offset)
            offset += len(line) + 1
        self.joined = "\n" + "\n".join(lines) + "\n"
        keys, spelled = [], []
        for toks, fold in zip(tokens, folded, strict=True):
            for key, i, n in _grams(fold):
                keys.append(key)
                spelled.append(" ".join(toks[i : i + n]))
        counts = Counter(keys)
        best: dict[str, tuple[str, int]] = {}
        for (key, spelling), uses in Counter(zip(keys, spelled, strict=True)).items():
            if counts[key] >= MIN_TITLES and uses > best.get(key, ("", 0))[1]:
                best[key] = (spelling, uses)
        # (folded phrase, titles holding it, most used spelling, its uses)
        self.phrases = sorted((key, counts[key], *found) for key, found in best.items())
        self.keys = [p[0] for p in self.phrases]
        self.top = sorted(self.phrases, key=lambda p: -(p[1] * len(p[0].split())))[:EXAMPLE_POOL]

    def starting_with(self, needle: str):
        for i in range(bisect_left(self.keys, needle), len(self.keys)):
            if not self.keys[i].startswith(needle):
                break
            yield self.phrases[i]

    def matching(self, needle: str, deleted, limit: int) -> list[tuple[bool, int]]:
        """``(at the start, title index)`` of up to ``limit`` titles of each kind, newest first."""
        found, seen = [], set()
        for at_start, marker in ((True, "\n"), (False, " ")):
            n, position = 0, self.joined.find(marker + needle)
            while position >= 0 and n < limit:
                index = bisect_right(self.starts, position + 1) - 1
                if index not in seen and self.locals[index] not in deleted:
                    seen.add(index)
                    found.append((at_start, index))
                    n += 1
                position = self.joined.find(marker + needle, position + 1)
        return found


class Completions:
    """What a generation offers: its segments' titles, less the deleted documents."""

    def __init__(self, segments: list[tuple[SegmentTitles, frozenset]]):
        self.segments = segments

    @staticmethod
    def _phrases(found) -> list[tuple[str, int, str]]:
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
        titles = []
        for seg, deleted in self.segments:
            for at_start, i in seg.matching(needle, deleted, limit):
                titles.append((not at_start, -seg.published[i], seg.pks[i], seg.texts[i]))
        titles.sort()
        n_phrases = min(len(phrases), max(limit // 2, limit - len(titles)))
        return {
            "phrases": [(spelled, n) for _key, n, spelled in phrases[:n_phrases]],
            "titles": [(pk, text) for _s, _p, pk, text in titles[: limit - n_phrases]],
        }

    def examples(self, n: int = 3) -> list[str]:
        """Common phrases that share no word, the longest and most used first."""
        ranked = self._phrases(p for seg, _ in self.segments for p in seg.top)
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

"""Aggregation of the council's scores and the suggested outcome (no Flask, no database).

The rules (DESIGN.md "Appraisal", ELIGIBILITY.md "Recognising an initiative"):
- per criterion: mean, min, max; per reviewer a total; over the totals: mean,
  min, max, standard deviation (population: the sheets are all the scores
  there are, not a sample) and the count;
- a reviewer whose total is more than `OUTLIER_POINTS` from the mean is flagged;
- the suggested outcome is `recognized` when the mean total reaches the
  recognition threshold, at least `approval_fraction` of the reviewers who
  scored recommend "đạt", and (novelty-zero rule) nobody gave 0 for novelty;
  otherwise `rejected`. With no sheet there is no suggestion.

Threshold comparisons use exact fractions, so a mean of 50 meets a threshold
of 50 and two "đạt" out of three meet two thirds.
"""
import math
from dataclasses import dataclass, field
from fractions import Fraction

from portal.core.numbers import Score
from portal.core.phrases import Phrase

PASS, FAIL = "pass", "fail"
RECOGNIZED, REJECTED = "recognized", "rejected"
OUTLIER_POINTS = 20


@dataclass(frozen=True)
class CriterionSpec:
    code: str
    name: str
    max_score: int
    min_score: int = 0


@dataclass(frozen=True)
class Thresholds:
    recognition: int = 50          # mean total to be recognised at grassroots level
    sector: int = 80               # mean total to be proposed for sector level
    approval: Fraction = Fraction(2, 3)  # share of "đạt" recommendations needed
    novelty_code: str = "novelty"
    novelty_zero_rule: bool = True  # a 0 for novelty from anyone blocks recognition


@dataclass(frozen=True)
class Sheet:
    """One reviewer's submitted scores; `key` identifies the sheet (not shown to authors)."""
    key: object
    scores: dict
    recommendation: str

    @property
    def total(self):
        return sum(self.scores.values())


@dataclass(frozen=True)
class CriterionStats:
    code: str
    name: str
    max_score: int
    mean: float | None
    min: int | None
    max: int | None


@dataclass
class Aggregate:
    count: int
    criteria: list = field(default_factory=list)   # [CriterionStats] in rubric order
    totals: dict = field(default_factory=dict)     # sheet key -> total
    mean_total: float | None = None
    min_total: int | None = None
    max_total: int | None = None
    std_dev: float | None = None
    outliers: list = field(default_factory=list)   # sheet keys more than OUTLIER_POINTS from the mean
    pass_count: int = 0
    approval_met: bool = False
    novelty_zero: bool = False
    meets_recognition: bool = False
    meets_sector: bool = False
    suggested: str | None = None
    reasons: list = field(default_factory=list)    # Vietnamese explanation of the suggestion

    @property
    def max_total_possible(self):
        return sum(c.max_score for c in self.criteria)


def validate_scores(criteria, scores, *, complete):
    """Errors per criterion code ({code: message}); empty when the scores are acceptable.

    Scores must be integers (bool is not an integer here) within each
    criterion's range; unknown codes are refused; with `complete` every
    criterion needs a score, otherwise a missing one is allowed (a draft).
    """
    errors = {}
    known = {c.code: c for c in criteria}
    for code in scores:
        if code not in known:
            errors[code] = Phrase("Tiêu chí “%(code)s” không có trong bộ tiêu chí của năm.", code=code)
    for criterion in criteria:
        value = scores.get(criterion.code)
        if value is None or value == "":
            if complete:
                errors[criterion.code] = Phrase("Chưa chấm điểm tiêu chí “%(name)s”.", name=criterion.name)
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[criterion.code] = Phrase("Điểm tiêu chí “%(name)s” phải là số nguyên.", name=criterion.name)
            continue
        if not criterion.min_score <= value <= criterion.max_score:
            errors[criterion.code] = Phrase("Điểm tiêu chí “%(name)s” phải từ %(min)s đến %(max)s.",
                                            name=criterion.name, min=criterion.min_score, max=criterion.max_score)
    return errors


def aggregate(criteria, sheets, thresholds=Thresholds()):
    """Aggregate submitted sheets against the rubric and suggest an outcome."""
    criteria = list(criteria)
    sheets = list(sheets)
    result = Aggregate(count=len(sheets))
    for criterion in criteria:
        values = [s.scores[criterion.code] for s in sheets if s.scores.get(criterion.code) is not None]
        result.criteria.append(CriterionStats(
            code=criterion.code, name=criterion.name, max_score=criterion.max_score,
            mean=float(Fraction(sum(values), len(values))) if values else None,
            min=min(values) if values else None,
            max=max(values) if values else None,
        ))
    if not sheets:
        result.reasons.append(Phrase("Chưa có phiếu chấm nào được nộp."))
        return result

    totals = {s.key: s.total for s in sheets}
    exact_mean = Fraction(sum(totals.values()), len(totals))
    result.totals = totals
    result.mean_total = float(exact_mean)
    result.min_total = min(totals.values())
    result.max_total = max(totals.values())
    result.std_dev = math.sqrt(float(sum((Fraction(t) - exact_mean) ** 2 for t in totals.values())
                                     / len(totals)))
    result.outliers = [k for k, t in totals.items() if abs(Fraction(t) - exact_mean) > OUTLIER_POINTS]

    result.pass_count = sum(1 for s in sheets if s.recommendation == PASS)
    result.approval_met = Fraction(result.pass_count, len(sheets)) >= thresholds.approval
    result.novelty_zero = thresholds.novelty_zero_rule and any(
        s.scores.get(thresholds.novelty_code) == 0 for s in sheets)
    result.meets_recognition = exact_mean >= thresholds.recognition
    result.meets_sector = exact_mean >= thresholds.sector

    mean_text = Score(result.mean_total)  # 62,67 on a Vietnamese page, 62.67 on an English one
    if result.meets_recognition:
        result.reasons.append(Phrase("Điểm trung bình %(mean)s đạt ngưỡng công nhận (%(threshold)s).",
                                     mean=mean_text, threshold=thresholds.recognition))
    else:
        result.reasons.append(Phrase("Điểm trung bình %(mean)s thấp hơn ngưỡng công nhận (%(threshold)s).",
                                     mean=mean_text, threshold=thresholds.recognition))
    approval = f"{thresholds.approval.numerator}/{thresholds.approval.denominator}"
    if result.approval_met:
        result.reasons.append(Phrase("%(passed)s/%(count)s thành viên đề nghị “đạt” (cần ít nhất %(approval)s).",
                                     passed=result.pass_count, count=len(sheets), approval=approval))
    else:
        result.reasons.append(Phrase("Chỉ %(passed)s/%(count)s thành viên đề nghị “đạt” (cần ít nhất "
                                     "%(approval)s).", passed=result.pass_count, count=len(sheets),
                                     approval=approval))
    if result.novelty_zero:
        result.reasons.append(Phrase("Có thành viên chấm 0 điểm tiêu chí tính mới."))
    recognized = result.meets_recognition and result.approval_met and not result.novelty_zero
    result.suggested = RECOGNIZED if recognized else REJECTED
    if recognized and result.meets_sector:
        result.reasons.append(Phrase("Đủ điều kiện đề nghị công nhận cấp Ngành (từ %(threshold)s điểm).",
                                     threshold=thresholds.sector))
    return result

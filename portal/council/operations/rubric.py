"""The year's rubric: thresholds, vote fraction, criteria."""

from flask_babel import lazy_gettext as _l

from portal.core import audit
from portal.core.phrases import Phrase
from portal.core.refusal import conflict, forbidden, invalid
from portal.council.models import (
    Criterion,
)
from portal.council.services import (
    rubric_for,
    rubric_frozen,
)
from portal.extensions import db
from portal.initiatives import policy


def update_rubric(year, actor, *, recognition_threshold, sector_threshold, approval_numerator,
                  approval_denominator, novelty_zero_rule, criteria):
    """Admin edits the year's rubric until the first score is given; then it is frozen."""
    if not policy.can_year(actor, policy.YearAct.edit_rubric, year):
        raise forbidden(_l("Chỉ quản trị viên mới sửa bộ tiêu chí chấm điểm."))
    if rubric_frozen(year):
        raise conflict(_l("Đã có điểm chấm cho sáng kiến năm %(year)s: bộ tiêu chí đã khóa, không sửa được nữa.",
                          year=year), code="rubric_frozen")
    errors = {}
    codes = [c["code"] for c in criteria]
    if not criteria:
        errors["criteria"] = Phrase("Cần ít nhất một tiêu chí.")
    if len(set(codes)) != len(codes):
        errors["criteria"] = Phrase("Mã tiêu chí bị trùng.")
    for c in criteria:
        if not (0 <= c.get("min_score", 0) < c["max_score"]):
            errors[c["code"]] = Phrase("Điểm tối đa của “%(name)s” phải lớn hơn điểm tối thiểu.", name=c["name"])
    total = sum(c["max_score"] for c in criteria)
    if not 0 < recognition_threshold <= total:
        errors["recognition_threshold"] = Phrase("Ngưỡng công nhận phải từ 1 đến %(total)s (tổng điểm tối đa).",
                                                 total=total)
    if not recognition_threshold <= sector_threshold <= total:
        errors["sector_threshold"] = Phrase("Ngưỡng đề nghị cấp Ngành phải từ ngưỡng công nhận đến tổng điểm tối đa.")
    if not 0 < approval_numerator <= approval_denominator:
        errors["approval"] = Phrase("Tỷ lệ tán thành phải lớn hơn 0 và không quá 1.")
    if errors:
        raise invalid(fields={key: [message] for key, message in errors.items()})
    rubric = rubric_for(year)
    before = {"recognition_threshold": rubric.recognition_threshold,
              "sector_threshold": rubric.sector_threshold,
              "criteria": [(c.code, c.max_score) for c in rubric.criteria]}
    rubric.recognition_threshold = recognition_threshold
    rubric.sector_threshold = sector_threshold
    rubric.approval_numerator = approval_numerator
    rubric.approval_denominator = approval_denominator
    rubric.novelty_zero_rule = novelty_zero_rule
    existing = {c.code: c for c in rubric.criteria}
    kept = []
    for position, c in enumerate(criteria):
        row = existing.get(c["code"]) or Criterion(code=c["code"])
        row.name = c["name"]
        row.guidance = c.get("guidance", "")
        row.min_score = c.get("min_score", 0)
        row.max_score = c["max_score"]
        row.position = position
        kept.append(row)
    rubric.criteria = kept
    db.session.flush()
    audit.record("council.rubric_updated", actor=actor, obj=rubric,
                 data={"year": year, "before": before,
                       "after": {"recognition_threshold": recognition_threshold,
                                 "sector_threshold": sector_threshold,
                                 "approval": f"{approval_numerator}/{approval_denominator}",
                                 "novelty_zero_rule": novelty_zero_rule,
                                 "criteria": [(c.code, c.max_score) for c in kept]}},
                 summary=f"Cập nhật bộ tiêu chí chấm điểm năm {year}")
    return rubric

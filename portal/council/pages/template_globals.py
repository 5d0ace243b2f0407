"""What templates outside the council's own pages ask of it."""
from flask_babel import gettext as _
from flask_login import current_user

from portal.auth.models import User
from portal.core.i18n import translate
from portal.core.numbers import score
from portal.council import bp
from portal.council.models import COUNCIL_ROLE_LABELS
from portal.council.services import REMOVED_FROM_COUNCIL, outcome_for
from portal.extensions import db
from portal.initiatives import policy
from portal.initiatives.workflow import EDITABLE


@bp.app_template_global("council_outcome")
def council_outcome(initiative):
    """For the authors' page: what the current user may learn of the council's decision."""
    return outcome_for(initiative, current_user)


@bp.app_template_global("acting_notes")
def acting_notes(initiative):
    """Who acts instead when the year's secretary or chair is named on the initiative."""

    if initiative.status in EDITABLE and not initiative.versions:
        return []
    notes = []
    for role, deputy_for in (("secretary", "secretary"), ("chair", "chair")):
        ids, deputy = policy.acting(initiative, role)
        if not deputy:
            continue
        if not ids:
            notes.append(_("%(role)s là tác giả của sáng kiến này và chưa có ai thay; quản trị cần bổ sung "
                           "Phó Chủ tịch Hội đồng.", role=_(COUNCIL_ROLE_LABELS[deputy_for])))
            continue
        names = ", ".join(u.full_name for u in db.session.query(User).filter(User.id.in_(ids)))
        notes.append(_("%(role)s là tác giả của sáng kiến này nên không tham gia xử lý; %(names)s làm thay.",
                       role=_(COUNCIL_ROLE_LABELS[deputy_for]), names=names))
    return notes


@bp.app_template_filter("score")
def format_score(value):
    """Scores and means: at most two decimals, Vietnamese decimal comma."""
    return score(value)


@bp.app_template_filter("recusal_reason")
def recusal_reason(value):
    """A withdrawn assignment's reason: the one the portal writes in the reader's language, a
    person's own words as written."""
    return translate(REMOVED_FROM_COUNCIL) if value == REMOVED_FROM_COUNCIL else (value or "")

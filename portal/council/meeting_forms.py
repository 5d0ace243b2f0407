"""The meeting form (CSRF): details and attendance, and one vote row per initiative."""
from flask_babel import lazy_gettext as _l
from wtforms import DateTimeLocalField, Form, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.fields import FieldList, FormField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from portal.core.forms import PortalForm
from portal.council.meetings import PLACE_MAX

VOTES_MAX = 99


def _count(label):
    return IntegerField(label, validators=[Optional(), NumberRange(0, VOTES_MAX, _l("Từ 0 đến %(n)s.", n=VOTES_MAX))])


class VoteRowForm(Form):
    initiative_id = HiddenField()
    votes_for = _count(_l("Đồng ý"))
    votes_against = _count(_l("Không đồng ý"))
    votes_abstain = _count(_l("Không biểu quyết"))


class MeetingForm(PortalForm):
    starts_at = DateTimeLocalField(_l("Thời gian họp"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(_l("Vui lòng nhập thời gian họp (ngày và giờ)."))])
    place = StringField(_l("Địa điểm"), validators=[
        DataRequired(_l("Vui lòng nhập địa điểm họp.")),
        Length(max=PLACE_MAX, message=_l("Tối đa %(n)s ký tự.", n=PLACE_MAX))])
    chair_id = SelectField(_l("Chủ trì"), coerce=int, validate_choice=False)
    secretary_id = SelectField(_l("Thư ký"), coerce=int, validate_choice=False)
    present = SelectMultipleField(_l("Thành viên có mặt"), coerce=int, validate_choice=False,
                                  widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    votes = FieldList(FormField(VoteRowForm))

    def fill(self, members):
        choices = [SelectChoice(m.user_id, f"{m.user.full_name} – {m.role_label}") for m in members]
        self.chair_id.choices = self.secretary_id.choices = self.present.choices = choices

    def vote_values(self):
        """{initiative id: (for, against, abstain)} for the rows with any count entered."""
        out = {}
        for row in self.votes:
            counts = (row.form.votes_for.data, row.form.votes_against.data, row.form.votes_abstain.data)
            if row.form.initiative_id.data and any(c is not None for c in counts):
                out[int(row.form.initiative_id.data)] = tuple(c or 0 for c in counts)
        return out

    def field_for(self, name):
        """The operation's "votes.<initiative id>" is that initiative's row (its first count);
        a kept message names the row's field ("votes-0-votes_for")."""
        for row in self.votes:
            if name in (f"votes.{row.form.initiative_id.data}", row.form.votes_for.name):
                return row.form.votes_for
        return super().field_for(name)

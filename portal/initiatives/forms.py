"""Forms laid out like the official application (đơn đề nghị công nhận sáng kiến)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.core.forms import PortalForm
from portal.initiatives import rules
from portal.initiatives.models import FORM_LABELS
from portal.initiatives.workflow import LEVEL_LABELS, Level

AUTHOR_ROWS_MIN = 3


class VietnameseDateField(DateField):
    """A date field whose parse error speaks Vietnamese (WTForms has no Vietnamese catalogue)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Ngày không hợp lệ; nhập theo dạng ngày/tháng/năm.")) from None


def _long(label, description=None):
    # Labels come from rules.SECTIONS; their msgids are in this area's catalogue.
    return TextAreaField(_l(label), description=description, validators=[
        Optional(), Length(max=rules.LONG_MAX, message=_l("Mục này quá dài: tối đa 50.000 ký tự."))])


def _extra(key, description=None):
    # Labels come from rules.APPLICATION_EXTRAS; their msgids are in this area's catalogue.
    return TextAreaField(_l(rules.APPLICATION_EXTRAS[key]), description=description, validators=[
        Optional(), Length(max=rules.EXTRA_MAX, message=_l("Mục này quá dài: tối đa 10.000 ký tự."))])


class AuthorRowForm(Form):
    """One author: a staff account by username, or an outside co-author by name and workplace."""
    username = StringField(_l("Tên đăng nhập"), validators=[Optional(), Length(max=64)])
    name = StringField(_l("Họ và tên (ngoài Cổng)"), validators=[Optional(), Length(max=rules.NAME_MAX)])
    workplace = StringField(_l("Nơi công tác"), validators=[Optional(), Length(max=rules.WORKPLACE_MAX)])
    share = StringField(_l("Tỷ lệ (%)"), validators=[Optional(), Length(max=3)])

    def is_blank(self):
        return not any((self.username.data or "", self.name.data or "", self.workplace.data or "",
                        self.share.data or ""))

    def as_author(self):
        share = (self.share.data or "").strip()
        author = {"share": int(share) if share.isdigit() else share or None}
        if (self.username.data or "").strip():
            author["username"] = self.username.data.strip()
        else:
            author["name"] = (self.name.data or "").strip()
            author["workplace"] = (self.workplace.data or "").strip()
        return author


class InitiativeForm(PortalForm):
    title = StringField(_l("Tên sáng kiến"), validators=[
        DataRequired(_l("Vui lòng nhập tên sáng kiến.")),
        Length(max=rules.TITLE_MAX, message=_l("Tên sáng kiến tối đa 300 ký tự."))])
    # Choices are filled by the route; values are checked by the operations (Vietnamese messages).
    field_id = SelectField(_l("Lĩnh vực"), validate_choice=False)
    form_kind = SelectField(_l("Hình thức"), choices={f.value: label for f, label in FORM_LABELS.items()},
                            default="solution", validate_choice=False)
    year = SelectField(_l("Năm"), validate_choice=False)
    unit_id = SelectField(_l("Đơn vị"), validate_choice=False)
    requested_level = SelectField(_l("Cấp đề nghị công nhận"), validate_choice=False, default=Level.grassroots.value,
                                  choices={level.value: LEVEL_LABELS[level]
                                           for level in (Level.grassroots, Level.sector)})
    first_applied_on = VietnameseDateField(_l("Ngày áp dụng lần đầu hoặc áp dụng thử"), validators=[Optional()])
    trial_only = BooleanField(_l("Giải pháp mới được áp dụng thử (chưa áp dụng chính thức)"))
    first_application_requested = BooleanField(
        _l("Đề nghị đơn vị tổ chức áp dụng lần đầu trước khi xét công nhận"),
        description=_l("Khi đó thời hạn 3 tháng xét công nhận tính từ ngày kết thúc áp dụng lần đầu."))
    ip_protected = BooleanField(_l("Giải pháp đang được bảo hộ quyền sở hữu trí tuệ"),
                                description=_l("Giải pháp đã được bảo hộ thì không thuộc diện xét công nhận "
                                               "sáng kiến (Điều 3 Nghị định 13/2012/NĐ-CP)."))
    summary = TextAreaField(_l("Tóm tắt sáng kiến"), validators=[
        Optional(), Length(max=rules.SUMMARY_MAX, message=_l("Tóm tắt tối đa 3.000 ký tự."))],
        description=_l("Vài câu nêu vấn đề, giải pháp và hiệu quả; dùng để đăng trên Trang thông tin."))
    current_state = _long(rules.SECTIONS["current_state"],
                          _l("Cách làm hiện nay, những hạn chế, nhược điểm cần khắc phục."))
    solution = _long(rules.SECTIONS["solution"],
                     _l("Mô tả bản chất giải pháp: các bước thực hiện, điểm mới so với cách làm cũ."))
    conditions = _long(rules.SECTIONS["conditions"],
                       _l("Con người, phương tiện, kinh phí, văn bản cần có để áp dụng."))
    benefits = _long(rules.SECTIONS["benefits"],
                     _l("Lợi ích đạt được hoặc dự kiến, có số liệu so sánh nếu có."))
    confidential_info = _extra("confidential_info", _l("Không ghi nếu không có; mục này không được đăng công khai."))
    trial_users = _extra("trial_users")
    trial_assessment = _extra("trial_assessment", _l("Ý kiến của tổ chức, cá nhân đã áp dụng thử hoặc áp dụng lần "
                                                     "đầu về lợi ích thu được (nếu có)."))
    authors = FieldList(FormField(AuthorRowForm), min_entries=AUTHOR_ROWS_MIN, max_entries=rules.MAX_AUTHORS)
    stamp = HiddenField()
    # The file to attach, sent with the rest of the form by its "Tải lên" button (routes.upload),
    # so that a refused file comes back beside this field with everything typed kept.
    file = FileField(_l("Tệp đính kèm"), validators=[Optional()])

    CONTENT = ("title", "field_id", "year", "unit_id", "requested_level", "first_applied_on",
               "summary", "current_state", "solution", "conditions", "benefits", *rules.APPLICATION_EXTRAS)

    FLAGS = ("ip_protected", "trial_only", "first_application_requested")

    def content_values(self):
        values = {key: getattr(self, key).data for key in (*self.CONTENT, *self.FLAGS)}
        for key in self.FLAGS:
            values[key] = bool(values[key])
        for key in ("field_id", "unit_id", "year"):
            values[key] = _int_or_none(values[key])
        for key in ("title", "summary", *rules.SECTIONS, *rules.APPLICATION_EXTRAS):
            values[key] = values[key] or ""
        values["form"] = self.form_kind.data
        return values

    def author_values(self):
        return [row.form.as_author() for row in self.authors if not row.form.is_blank()]

    aliases = {"form": "form_kind"}

    def place_errors(self, fields, message=""):
        """The author list's messages go above its table; the others beside their fields."""
        fields = dict(fields or {})
        self.author_errors = list(fields.pop("authors", []))
        super().place_errors(fields, "" if self.author_errors else message)

    author_errors = ()

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        # The rows' own messages (a name too long, a control character) go above the table too.
        self.author_errors = [*self.author_errors, *(
            _l("Tác giả thứ %(n)s: %(message)s", n=number, message=message)
            for number, row in enumerate(self.authors, start=1) for field in row.form for message in field.errors)]
        return valid


class AttachmentForm(PortalForm):
    file = FileField(_l("Tệp đính kèm"), validators=[DataRequired(_l("Vui lòng chọn tệp."))])


class ReasonForm(PortalForm):
    reason = TextAreaField(_l("Lý do"), validators=[Optional(), Length(max=rules.RETURN_NOTE_MAX)])


class FieldOfWorkForm(PortalForm):
    """Lĩnh vực (admin). Several on one page under prefixes: CSRFProtect checks the one token."""
    class Meta:
        csrf = False

    name = StringField(_l("Tên lĩnh vực"), validators=[
        DataRequired(_l("Vui lòng nhập tên lĩnh vực.")), Length(max=200, message=_l("Tên lĩnh vực tối đa 200 ký tự."))])
    code = StringField(_l("Mã (dùng trong API)"), validators=[Optional(), Length(max=32, message=_l("Mã tối đa 32 ký tự."))],
                       description=_l("Chữ thường không dấu; bỏ trống để tạo từ tên."))
    position = StringField(_l("Thứ tự"), default="0", validators=[
        Optional(), Regexp(r"^\d{1,3}$", message=_l("Thứ tự là số từ 0 đến 999."))])
    active = BooleanField(_l("Đang dùng"), default=True)


def _int_or_none(value):
    value = str(value or "").strip()
    return int(value) if value.isdigit() else None

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from portal.admin.importing import EMAIL
from portal.auth.models import ROLE_LABELS, UNIT_KIND_LABELS, Role, Unit, UnitKind, User
from portal.auth.rules import is_valid_username
from portal.core.forms import PortalForm
from portal.council.models import COUNCIL_ROLE_LABELS, CouncilRole
from portal.extensions import db

try:
    from wtforms.fields.choices import SelectChoice
except ImportError:  # WTForms before 3.3 takes plain pairs
    SelectChoice = None


def option(value, label):
    """One choice of a select; WTForms 3.3 deprecates plain (value, label) pairs."""
    return SelectChoice(value, label) if SelectChoice else (value, label)


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def unit_choices(include_inactive_id=None):
    units = db.session.execute(select(Unit).order_by(Unit.kind, Unit.name)).scalars().all()
    return [option(u.id, u.name) for u in units if u.active or u.id == include_inactive_id]


def _email(form, field):
    if field.data and not EMAIL.match(field.data.strip()):
        raise ValidationError(_l("Thư điện tử không hợp lệ."))


def _username(form, field):
    if field.data and not is_valid_username(field.data):
        raise ValidationError(_l("Chỉ gồm chữ không dấu, số và . _ -"))


def _active_unit(form, field):
    unit = db.session.get(Unit, field.data) if field.data else None
    if unit is None:
        raise ValidationError(_l("Vui lòng chọn một đơn vị có trong danh sách."))
    if not unit.active and unit.id != getattr(form, "current_unit_id", None):
        raise ValidationError(_l("Đơn vị này đã ngừng hoạt động."))


def _int_or_none(value):
    """An id, or None for anything that is not one (no database integer is above 2**31 - 1)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


class UserForm(PortalForm):
    username = StringField(_l("Tên đăng nhập"), validators=[
        DataRequired(_l("Vui lòng nhập tên đăng nhập.")), Length(max=64, message=_l("Tối đa 64 ký tự.")),
        _username])
    full_name = StringField(_l("Họ và tên"), validators=[
        DataRequired(_l("Vui lòng nhập họ và tên.")), Length(max=200, message=_l("Tối đa 200 ký tự."))])
    unit = SelectField(_l("Đơn vị"), coerce=_int_or_none, validate_choice=False, validators=[_active_unit])
    position = StringField(_l("Chức vụ"), validators=[Length(max=200, message=_l("Tối đa 200 ký tự."))])
    is_leader = BooleanField(_l("Có chức danh lãnh đạo"))
    birth_date = DateField(_l("Ngày sinh"), validators=[Optional()])
    qualification = StringField(_l("Trình độ chuyên môn"), validators=[Length(max=200, message=_l("Tối đa 200 ký tự."))])
    email = StringField(_l("Thư điện tử"), validators=[Optional(), Length(max=200), _email])
    roles = CheckboxList(_l("Vai trò chung"), choices=[option(r.value, _l(ROLE_LABELS[r])) for r in Role],
                         validate_choice=False)
    password = PasswordField(_l("Mật khẩu ban đầu"), validators=[Optional(), Length(max=256)],
                             description=_l("Để trống để hệ thống tạo mật khẩu ngẫu nhiên (hiển thị một lần)."))

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_unit_id = editing.unit_id if editing is not None else None
        self.unit.choices = [option("", _l("— Chọn đơn vị —"))] + unit_choices(self.current_unit_id)
        if editing is not None:
            del self.username
            del self.password

    def validate_roles(self, field):
        unknown = set(field.data or ()) - {r.value for r in Role}
        if unknown:
            raise ValidationError(_l("Vai trò không hợp lệ."))


class UserFilterForm(PortalForm):
    class Meta:
        csrf = False

    q = StringField(_l("Tìm theo tên, tên đăng nhập, thư điện tử"))
    unit = SelectField(_l("Đơn vị"), coerce=_int_or_none, validate_choice=False)
    role = SelectField(_l("Vai trò"), validate_choice=False, choices=[
        option("", _l("Mọi vai trò")), *[option(r.value, _l(ROLE_LABELS[r])) for r in Role],
        option("council", _l("Thành viên Hội đồng (năm bất kỳ)")),
        option("leader", _l("Có chức danh lãnh đạo"))])
    status = SelectField(_l("Trạng thái"), validate_choice=False, choices=[
        option("active", _l("Đang hoạt động")), option("inactive", _l("Đã khóa")),
        option("all", _l("Tất cả"))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = [option("", _l("Mọi đơn vị"))] + unit_choices()


class ResetPasswordForm(PortalForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=[Optional(), Length(max=256)],
                             description=_l("Để trống để hệ thống tạo mật khẩu ngẫu nhiên."))


class ImportForm(PortalForm):
    file = FileField(_l("Tệp danh sách (.xlsx hoặc .csv)"), validators=[
        FileRequired(_l("Vui lòng chọn tệp.")),
        FileAllowed(["xlsx", "csv"], _l("Chỉ nhận tệp .xlsx hoặc .csv."))])


class UnitForm(PortalForm):
    name = StringField(_l("Tên đơn vị"), validators=[
        DataRequired(_l("Vui lòng nhập tên đơn vị.")), Length(max=200, message=_l("Tối đa 200 ký tự."))])
    kind = SelectField(_l("Loại đơn vị"), choices=[option(k.value, _l(UNIT_KIND_LABELS[k])) for k in UnitKind],
                       validate_choice=False)
    code = StringField(_l("Mã đơn vị"), validators=[Optional(), Length(max=32, message=_l("Tối đa 32 ký tự.")),
                                                 Regexp(r"^[A-Za-z0-9._-]+$",
                                                        message=_l("Mã chỉ gồm chữ không dấu, số và . _ -"))])
    active = BooleanField(_l("Đang hoạt động"), default=True)

    def validate_kind(self, field):
        if field.data not in {k.value for k in UnitKind}:
            raise ValidationError(_l("Loại đơn vị không hợp lệ."))


class YearForm(PortalForm):
    year = IntegerField(_l("Năm"), validators=[
        DataRequired(_l("Vui lòng nhập năm.")),
        NumberRange(2000, 2100, _l("Năm phải trong khoảng 2000–2100."))])
    registration_deadline = DateField(_l("Hạn đăng ký danh hiệu thi đua"), validators=[Optional()])
    submission_deadline = DateField(_l("Hạn nộp đơn sáng kiến"), validators=[Optional()])
    review_deadline = DateField(_l("Hạn Hội đồng thẩm định"), validators=[Optional()])
    commendation_deadline = DateField(_l("Hạn nộp hồ sơ khen thưởng"), validators=[Optional()])
    note = TextAreaField(_l("Ghi chú"), validators=[Length(max=500, message=_l("Tối đa 500 ký tự."))])
    is_open = BooleanField(_l("Đang nhận hồ sơ"), default=True)
    filing_window_days = IntegerField(
        _l("Thời hạn nộp đơn kể từ ngày áp dụng lần đầu (ngày)"), default=365,
        validators=[InputRequired(_l("Cần nhập số ngày.")), NumberRange(1, 3650, _l("Từ 1 đến 3650 ngày."))],
        description=_l("Điều 5.2 Nghị định 13/2012/NĐ-CP: trong 1 năm; nộp muộn hơn được đánh dấu khi sơ duyệt."))
    decision_due_days = IntegerField(
        _l("Thời hạn ra quyết định công nhận (ngày)"), default=90,
        validators=[InputRequired(_l("Cần nhập số ngày.")), NumberRange(1, 730, _l("Từ 1 đến 730 ngày."))],
        description=_l("Điều 7.1 Nghị định 13/2012/NĐ-CP: 3 tháng kể từ ngày nhận đơn hợp lệ hoặc kết thúc áp "
                       "dụng lần đầu."))
    similarity_percent = IntegerField(
        _l("Mức giống nhau để cảnh báo công nhận lại (%)"), default=80,
        validators=[InputRequired(_l("Cần nhập tỷ lệ.")), NumberRange(1, 100, _l("Từ 1 đến 100."))],
        description=_l("Sáng kiến giống sáng kiến đã được công nhận từ mức này trở lên (hoặc trùng tên) cần lý do "
                       "khi công nhận."))

    head_title = StringField(_l("Chức danh người đứng đầu"), validators=[
        Length(max=100, message=_l("Tối đa %(n)s ký tự.", n=100))])
    head_name = StringField(_l("Họ và tên người đứng đầu"), validators=[
        Length(max=200, message=_l("Tối đa %(n)s ký tự.", n=200))])
    deputy_title = StringField(_l("Chức danh cấp phó"), validators=[
        Length(max=100, message=_l("Tối đa %(n)s ký tự.", n=100))])
    deputy_name = StringField(_l("Cấp phó ký thay (KT.)"), validators=[
        Length(max=200, message=_l("Tối đa %(n)s ký tự.", n=200))])

    def __init__(self, *args, editing=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing is not None:
            del self.year


class CouncilForm(PortalForm):
    name = StringField(_l("Tên Hội đồng"), validators=[
        DataRequired(_l("Vui lòng nhập tên Hội đồng.")), Length(max=300)])
    decision_no = StringField(_l("Số quyết định thành lập"), validators=[Length(max=64)])
    decision_date = DateField(_l("Ngày quyết định"), validators=[Optional()])


class CouncilMemberForm(PortalForm):
    user = SelectField(_l("Cán bộ"), coerce=_int_or_none, validate_choice=False)
    role = SelectField(_l("Vai trò trong Hội đồng"), validate_choice=False,
                       choices=[option(r.value, _l(COUNCIL_ROLE_LABELS[r])) for r in CouncilRole])

    def __init__(self, *args, exclude=(), **kwargs):
        super().__init__(*args, **kwargs)
        users = db.session.execute(
            select(User).where(User.active.is_(True)).order_by(User.full_name)).scalars().all()
        self.user.choices = [option("", _l("— Chọn cán bộ —"))] + [
            option(u.id, f"{u.full_name} ({u.username}) — {u.unit.name}") for u in users if u.id not in exclude]

    def validate_user(self, field):
        user = db.session.get(User, field.data) if field.data else None
        if user is None or not user.active:
            raise ValidationError(_l("Vui lòng chọn một cán bộ có trong danh sách."))

    def validate_role(self, field):
        if field.data not in {r.value for r in CouncilRole}:
            raise ValidationError(_l("Vai trò không hợp lệ."))


class AuditFilterForm(PortalForm):
    class Meta:
        csrf = False

    initiative = IntegerField(_l("Mã sáng kiến"), validators=[Optional(), NumberRange(min=1)])
    person = StringField(_l("Người thực hiện"), validators=[Optional(), Length(max=100)])
    action = SelectField(_l("Thao tác"), validate_choice=False)
    date_from = DateField(_l("Từ ngày"), validators=[Optional()])
    date_to = DateField(_l("Đến ngày"), validators=[Optional()])


SUFFIX = r"^[^\s/]+$"  # the part after "Số: 12/": no space, no slash


def _text(label, required, maxlen, *, area=False):
    checks = [DataRequired(required)] if required else [Optional()]
    checks.append(Length(max=maxlen, message=_l("Tối đa %(n)s ký tự.", n=maxlen)))
    return (TextAreaField if area else StringField)(label, validators=checks)


def _suffix(label):
    return StringField(label, validators=[
        DataRequired(_l("Vui lòng nhập ký hiệu.")), Length(max=32, message=_l("Tối đa %(n)s ký tự.", n=32)),
        Regexp(SUFFIX, message=_l("Ký hiệu không có dấu cách và dấu /, ví dụ QĐ-VKS."))])


class OrganisationForm(PortalForm):
    """Thông tin cơ quan: what every document, page and e-mail says of the organisation."""
    name = _text(_l("Tên cơ quan"), _l("Vui lòng nhập tên cơ quan."), 300)
    header = _text(_l("Tên cơ quan ở đầu văn bản"), _l("Vui lòng nhập tên cơ quan ở đầu văn bản."), 300, area=True)
    short_name = _text(_l("Tên viết tắt"), _l("Vui lòng nhập tên viết tắt."), 200)
    parent = _text(_l("Cơ quan chủ quản"), None, 300)
    place = _text(_l("Địa danh"), _l("Vui lòng nhập địa danh ghi ở văn bản."), 100)
    decision_suffix = _suffix(_l("Ký hiệu quyết định"))
    certificate_suffix = _suffix(_l("Ký hiệu giấy chứng nhận"))
    minutes_suffix = _suffix(_l("Ký hiệu biên bản"))
    head_title = _text(_l("Chức danh người đứng đầu"), _l("Vui lòng nhập chức danh người đứng đầu."), 100)
    head_name = _text(_l("Họ và tên người đứng đầu"), None, 200)
    deputy_title = _text(_l("Chức danh cấp phó"), _l("Vui lòng nhập chức danh cấp phó."), 100)
    deputy_name = _text(_l("Cấp phó ký thay (KT.)"), None, 200)
    filing_code = _text(_l("Nơi lưu văn bản"), _l("Vui lòng nhập nơi lưu văn bản, ví dụ VT."), 32)

    def validate_header(self, field):
        lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if len(lines) > 3:
            raise ValidationError(_l("Tên ở đầu văn bản viết trên tối đa 3 dòng."))
        field.data = "\n".join(lines)

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.core.forms import PortalForm
from portal.emulation import engine
from portal.emulation.models import DISCIPLINE_LABELS, TITLE_LABELS


def options(pairs):
    """SelectField choices from (value, Vietnamese label) pairs, labels translated when shown."""
    return [SelectChoice(value, _l(label)) for value, label in pairs]


TITLE_CHOICES = options(TITLE_LABELS.items())
DISCIPLINE_CHOICES = options(DISCIPLINE_LABELS.items())
LEVEL_CHOICES = options([("", "Theo danh hiệu (mặc định)"), ("grassroots", "Cấp cơ sở"), ("sector", "Cấp Ngành"),
                         ("national", "Toàn quốc")])
YEAR_RANGE = NumberRange(2000, 2100, "Năm phải trong khoảng 2000–2100.")


def _username():
    return StringField(_l("Tên đăng nhập của cán bộ"), validators=[
        DataRequired("Vui lòng nhập tên đăng nhập của cán bộ."), Length(max=64)],
        render_kw={"list": "people-list", "autocomplete": "off"})


def _year():
    return IntegerField(_l("Năm"), validators=[InputRequired("Vui lòng nhập năm."), YEAR_RANGE])


class FilterForm(PortalForm):
    """The officer's filters (GET, no CSRF: it changes nothing)."""
    class Meta:
        csrf = False

    unit = SelectField(_l("Đơn vị"), choices=[], default="")
    title = SelectField(_l("Danh hiệu"), choices=[*options([("", "Tất cả danh hiệu")]), *TITLE_CHOICES], default="")
    eligible = SelectField(_l("Điều kiện"), default="", choices=options(
        [("", "Tất cả"), ("yes", "Đủ điều kiện"), ("no", "Chưa đủ điều kiện")]))
    registered = SelectField(_l("Đăng ký"), default="", choices=options(
        [("", "Tất cả"), ("yes", "Đã đăng ký"), ("no", "Chưa đăng ký")]))
    leader = SelectField(_l("Chức danh"), default="", choices=options(
        [("", "Tất cả"), ("yes", "Lãnh đạo"), ("no", "Không giữ chức danh lãnh đạo")]))


class AwardForm(PortalForm):
    username = _username()
    year = _year()
    title = SelectField(_l("Danh hiệu"), choices=TITLE_CHOICES)
    decision_no = StringField(_l("Số quyết định"), validators=[Optional(), Length(max=64)])
    initiative_id = IntegerField(_l("Mã sáng kiến đã sử dụng"), validators=[Optional()],
                                 description="Bỏ trống để dùng sáng kiến mà hệ thống thấy còn sử dụng được.")
    level_used = SelectField(_l("Cấp công nhận đã sử dụng"), choices=LEVEL_CHOICES, default="")
    reason = TextAreaField(_l("Lý do ghi nhận khi chưa đủ điều kiện"), validators=[Optional(), Length(max=2000)],
                           description="Bắt buộc khi hệ thống xác định cán bộ chưa đủ điều kiện.")


class DisciplineForm(PortalForm):
    username = _username()
    year = _year()
    level = SelectField(_l("Hình thức kỷ luật"), choices=DISCIPLINE_CHOICES)
    note = StringField(_l("Ghi chú (số quyết định, lý do)"), validators=[Optional(), Length(max=500)])


class RegistrationForm(PortalForm):
    username = _username()
    year = _year()
    title = SelectField(_l("Danh hiệu đăng ký"), choices=TITLE_CHOICES)


class ArticlesForm(PortalForm):
    username = _username()
    year = _year()
    count = IntegerField(_l("Số tin, bài"), validators=[
        InputRequired("Vui lòng nhập số tin, bài."), NumberRange(0, 10_000, "Số tin, bài từ 0 đến 10000.")])


class MyRegistrationForm(PortalForm):
    title = SelectField(_l("Danh hiệu tôi đăng ký"), choices=TITLE_CHOICES)


class DeleteForm(PortalForm):
    """A bare CSRF-protected form for delete buttons."""


IMPORT_KINDS = options([
    ("titles", "Danh hiệu đã đạt"),
    ("disciplines", "Kỷ luật"),
    ("registrations", "Đăng ký danh hiệu"),
    ("articles", "Số tin, bài"),
])


class ImportForm(PortalForm):
    kind = SelectField(_l("Loại dữ liệu"), choices=IMPORT_KINDS)
    file = FileField(_l("Tệp XLSX hoặc CSV"))


def _percent(name, maximum):
    return DecimalField(_l(engine.SETTING_LABELS[name]), places=None, validators=[
        InputRequired("Vui lòng nhập giá trị."), NumberRange(0, maximum, f"Giá trị từ 0 đến {maximum}.")])


def _whole(name, minimum, maximum):
    return IntegerField(_l(engine.SETTING_LABELS[name]), validators=[
        InputRequired("Vui lòng nhập giá trị."),
        NumberRange(minimum, maximum, f"Giá trị là số nguyên từ {minimum} đến {maximum}.")])


class SettingsForm(PortalForm):
    min_author_share = _percent("min_author_share", 100)
    allow_previous_year = BooleanField(_l(engine.SETTING_LABELS["allow_previous_year"]))
    one_use_per_level = BooleanField(_l(engine.SETTING_LABELS["one_use_per_level"]))
    article_quota = _whole("article_quota", 0, 1000)
    require_registration = BooleanField(_l(engine.SETTING_LABELS["require_registration"]))
    grassroots_cap_percent = _percent("grassroots_cap_percent", 100)
    sector_consecutive_years = _whole("sector_consecutive_years", 1, 10)
    sector_cycle_years = _whole("sector_cycle_years", 1, 10)
    filing_window_days = _whole("filing_window_days", 0, 3650)
    decision_due_days = _whole("decision_due_days", 0, 3650)
    approval_fraction = StringField(_l(engine.SETTING_LABELS["approval_fraction"]), validators=[
        DataRequired("Vui lòng nhập tỷ lệ, ví dụ 2/3 hoặc 0,5.")],
        description="Phân số (2/3) hoặc số thập phân từ 0 đến 1.")

    def validate_approval_fraction(self, field):
        from wtforms.validators import ValidationError

        value = parse_fraction(field.data)
        if value is None or not 0 < value <= 1:
            raise ValidationError("Tỷ lệ phải là phân số (ví dụ 2/3) hoặc số từ 0 đến 1.")

    def values(self):
        data = {name: self[name].data for name in engine.Settings.LABELS}
        data["min_author_share"] = float(data["min_author_share"])
        data["grassroots_cap_percent"] = float(data["grassroots_cap_percent"])
        data["approval_fraction"] = parse_fraction(data["approval_fraction"])
        for name in ("allow_previous_year", "one_use_per_level", "require_registration"):
            data[name] = bool(data[name])
        return data


def parse_fraction(text):
    """'2/3', '0,5', '0.6667' or '66,67 %' -> a float, None when unreadable."""
    raw = str(text or "").strip().replace(",", ".").replace(" ", "")
    try:
        if raw.endswith("%"):
            return float(raw[:-1]) / 100
        if "/" in raw:
            top, bottom = raw.split("/", 1)
            return float(top) / float(bottom)
        return float(raw)
    except (ValueError, ZeroDivisionError):
        return None


def show_fraction(value):
    """2/3 rather than 0.666…, for the settings shown to people."""
    from fractions import Fraction

    approx = Fraction(value).limit_denominator(12)
    if abs(float(approx) - value) < 1e-6 and approx.denominator != 1:
        return f"{approx.numerator}/{approx.denominator}"
    return f"{value:g}".replace(".", ",")

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
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
                                 description=_l("Bỏ trống để dùng sáng kiến mà hệ thống thấy còn sử dụng được."))
    level_used = SelectField(_l("Cấp công nhận đã sử dụng"), choices=LEVEL_CHOICES, default="")
    reason = TextAreaField(_l("Lý do ghi nhận"), validators=[Optional(), Length(max=2000)],
                           description=_l("Bắt buộc khi hệ thống xác định cán bộ chưa đủ điều kiện, khi danh "
                                          "hiệu thấp hơn cùng năm còn tạm tính, hoặc khi ghi nhận Lao động tiên "
                                          "tiến cho người bị kỷ luật."))


class DisciplineForm(PortalForm):
    username = _username()
    year = _year()
    level = SelectField(_l("Hình thức kỷ luật"), choices=DISCIPLINE_CHOICES)
    violation_year = IntegerField(_l("Năm vi phạm (nếu trước năm ra quyết định)"), validators=[
        Optional(), YEAR_RANGE])
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
        InputRequired(_l("Vui lòng nhập giá trị.")), NumberRange(0, maximum, _l("Giá trị từ 0 đến %(max)s."))])


def _whole(name, minimum, maximum):
    return IntegerField(_l(engine.SETTING_LABELS[name]), validators=[
        InputRequired(_l("Vui lòng nhập giá trị.")),
        NumberRange(minimum, maximum, _l("Giá trị là số nguyên từ %(min)s đến %(max)s."))])


def _switch(name):
    return BooleanField(_l(engine.SETTING_LABELS[name]))


class SettingsForm(PortalForm):
    """The emulation settings of a year (the appraisal's are on the year and its rubric)."""
    min_author_share = _percent("min_author_share", 100)
    allow_previous_year = _switch("allow_previous_year")
    one_use_per_initiative = _switch("one_use_per_initiative")
    coauthors_each_use = _switch("coauthors_each_use")
    article_quota = _whole("article_quota", 0, 1000)
    require_registration = _switch("require_registration")
    grassroots_cap_percent = _percent("grassroots_cap_percent", 100)
    cap_minimum_one = _switch("cap_minimum_one")
    sector_consecutive_years = _whole("sector_consecutive_years", 1, 10)
    sector_cycle_years = _whole("sector_cycle_years", 1, 10)
    national_in_following_year = _switch("national_in_following_year")
    min_service_months = _whole("min_service_months", 0, 12)
    leave_flag_months = _whole("leave_flag_months", 1, 12)
    discipline_counted_once = _switch("discipline_counted_once")

    def values(self):
        data = {name: self[name].data for name in engine.Settings.LABELS}
        data["min_author_share"] = float(data["min_author_share"])
        data["grassroots_cap_percent"] = float(data["grassroots_cap_percent"])
        for name in engine.Settings.BOOLEANS:
            data[name] = bool(data[name])
        return data


class ServiceForm(PortalForm):
    """Time served in a year, for Lao động tiên tiến."""
    username = _username()
    year = _year()
    recruited_on = DateField(_l("Ngày tuyển dụng (nếu tuyển dụng trong năm)"), validators=[Optional()])
    leave_months = DecimalField(_l("Số tháng nghỉ việc trong năm"), places=None, default=0, validators=[
        InputRequired("Vui lòng nhập số tháng (0 nếu không nghỉ)."),
        NumberRange(0, 12, "Số tháng nghỉ từ 0 đến 12.")])
    note = StringField(_l("Ghi chú (lý do nghỉ, trường hợp được tính)"), validators=[Optional(), Length(max=500)])


class RefusalForm(PortalForm):
    """A title of a year recorded as not awarded, with the reason."""
    username = _username()
    year = _year()
    title = SelectField(_l("Danh hiệu không công nhận"), choices=TITLE_CHOICES)
    reason = TextAreaField(_l("Lý do không công nhận"), validators=[
        DataRequired("Hãy nêu lý do không công nhận danh hiệu."), Length(max=2000)])


class AwardUseForm(PortalForm):
    """The recognition an old award used, named by the officer."""
    initiative_id = IntegerField(_l("Mã sáng kiến đã sử dụng"), validators=[Optional()])
    level_used = SelectField(_l("Cấp công nhận đã sử dụng"), choices=LEVEL_CHOICES, default="")
    reason = TextAreaField(_l("Lý do (khi sáng kiến không nằm trong căn cứ hệ thống xác định)"),
                           validators=[Optional(), Length(max=2000)])

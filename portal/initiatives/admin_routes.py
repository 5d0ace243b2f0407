"""The admin-editable list of fields of work (lĩnh vực), under /admin/fields."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from portal.core import audit
from portal.core.layout import register_nav
from portal.core.permissions import require_roles
from portal.core.refusal import not_found
from portal.core.textfold import slugify
from portal.extensions import db
from portal.initiatives import bp
from portal.initiatives.forms import FieldOfWorkForm
from portal.initiatives.models import Field, Initiative, fields_in_order

register_nav("Lĩnh vực", "initiatives.admin_fields", lambda user: user.is_authenticated and user.is_admin,
             order=90, section="admin")


def _code_taken(code, field_id=None):
    query = select(Field.id).where(Field.code == code)
    if field_id is not None:
        query = query.where(Field.id != field_id)
    return db.session.execute(query).first() is not None


def _apply(form, field=None):
    """Validate codes and save; returns the field or None with errors on the form."""
    code = slugify(form.code.data or "", 32).replace("-", "_") or slugify(form.name.data, 32).replace("-", "_")
    if not code:
        form.code.errors = [*form.code.errors, _("Mã phải có ít nhất một chữ cái hoặc chữ số.")]
        return None
    if _code_taken(code, field.id if field else None):
        form.code.errors = [*form.code.errors, _("Mã “%(code)s” đã được dùng cho lĩnh vực khác.", code=code)]
        return None
    values = {"name": form.name.data.strip(), "code": code, "position": int(form.position.data or 0),
              "active": bool(form.active.data)}
    if field is None:
        field = Field(**values)
        db.session.add(field)
        db.session.flush()
        audit.record("admin.field_created", actor=current_user, obj=field, data=values,
                     summary=f"Thêm lĩnh vực {field.name}")
        return field
    before = {key: getattr(field, key) for key in values}
    for key, value in values.items():
        setattr(field, key, value)
    db.session.flush()
    audit.record("admin.field_updated", actor=current_user, obj=field,
                 data={"before": before, "after": values}, summary=f"Sửa lĩnh vực {field.name}")
    return field


def _usage():
    return dict(db.session.execute(
        select(Initiative.field_id, func.count(Initiative.id)).group_by(Initiative.field_id)).all())


@bp.route("/admin/fields", methods=["GET", "POST"])
@require_roles("admin")
def admin_fields():
    form = FieldOfWorkForm(prefix="new")
    status = 200
    if form.is_submitted():
        if form.validate() and _apply(form):
            db.session.commit()
            flash(_("Đã thêm lĩnh vực."), "success")
            return redirect(url_for("initiatives.admin_fields"))
        db.session.rollback()
        status = 422
    fields = fields_in_order(active_only=False)
    return render_template("initiatives/admin_fields.html", form=form, fields=fields, usage=_usage(),
                           edit_forms={f.id: FieldOfWorkForm(prefix=f"f{f.id}", obj=f) for f in fields}), status


@bp.route("/admin/fields/<int:field_id>", methods=["POST"])
@require_roles("admin")
def admin_field_update(field_id):
    field = db.session.get(Field, field_id)
    if field is None:

        raise not_found()
    form = FieldOfWorkForm(prefix=f"f{field.id}")
    if form.validate() and _apply(form, field):
        db.session.commit()
        flash(_("Đã lưu lĩnh vực “%(name)s”.", name=field.name), "success")
        return redirect(url_for("initiatives.admin_fields"))
    db.session.rollback()
    fields = fields_in_order(active_only=False)
    edit_forms = {f.id: FieldOfWorkForm(prefix=f"f{f.id}", obj=f) for f in fields if f.id != field_id}
    edit_forms[field_id] = form
    return render_template("initiatives/admin_fields.html", form=FieldOfWorkForm(prefix="new", formdata=None),
                           fields=fields, usage=_usage(), edit_forms=edit_forms), 422

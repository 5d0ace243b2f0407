"""Thông tin cơ quan: the organisation's settings, edited by admins (admins_only guards it)."""
from dataclasses import asdict

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp, operations
from portal.admin.forms import OrganisationForm
from portal.core.organisation import FIELDS, organisation
from portal.extensions import db


@bp.route("/organisation", methods=["GET", "POST"])
def organisation_edit():
    form = OrganisationForm(data=asdict(organisation()))  # a POST's input wins over the stored values
    if form.validate_on_submit():
        operations.update_organisation(actor=current_user, **{key: getattr(form, key).data for key in FIELDS})
        db.session.commit()
        flash(_("Đã lưu thông tin cơ quan."), "success")
        return redirect(url_for("admin.organisation_edit"))
    return render_template("admin/organisation.html", form=form), 422 if form.errors else 200

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.core.layout import register_nav
from portal.extensions import db
from portal.initiatives import bp
from portal.initiatives.models import Initiative, InitiativeAuthor

register_nav("Sáng kiến của tôi", "initiatives.dashboard",
             lambda user: user.is_authenticated, order=10)


@bp.route("/my")
@login_required
def dashboard():
    initiatives = db.session.execute(
        select(Initiative)
        .join(InitiativeAuthor, InitiativeAuthor.initiative_id == Initiative.id)
        .where(InitiativeAuthor.user_id == current_user.id)
        .order_by(Initiative.year.desc(), Initiative.updated_at.desc())
    ).scalars().unique().all()
    return render_template("initiatives/dashboard.html", initiatives=initiatives)

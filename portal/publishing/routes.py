from flask import render_template

from portal.publishing import bp


@bp.route("/")
def home():
    return render_template("publishing/home.html")

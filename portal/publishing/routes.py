import math
from pathlib import Path

from flask import (
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.files import send_stored_file
from portal.core.layout import register_nav
from portal.core.markup import plain_text
from portal.core.permissions import require_roles
from portal.core.refusal import not_found, wrong_state
from portal.core.text import xml_safe
from portal.extensions import db
from portal.initiatives.access import get_initiative_or_404
from portal.initiatives.models import Attachment
from portal.initiatives.policy import Act
from portal.initiatives.workflow import LEVEL_LABELS
from portal.publishing import bp, operations, queries, views
from portal.publishing.cache import public_page
from portal.publishing.forms import PublishForm, UnpublishForm

register_nav("Sáng kiến", "publishing.initiatives", order=5, section="public")
register_nav("Biên tập", "publishing.queue", operations.can_publish, order=60)

PER_PAGE = 12


@bp.app_template_global()
def article_url(publication, **values):
    return url_for("publishing.article", initiative_id=publication.initiative_id,
                   slug=publication.slug, **values)


@bp.app_template_global()
def level_label(level):
    return LEVEL_LABELS.get(level, "") if level else ""


@bp.route("/")
@public_page
def home():
    return render_template(
        "publishing/home.html",
        newest=queries.newest(6),
        most_read=queries.most_read(5),
        facets=queries.facet_counts({}),
        total=queries.live_total(),
    )


@bp.route("/initiatives")
@public_page
def initiatives():
    filters = queries.clean_filters(request.args)
    sort = request.args.get("sort") if request.args.get("sort") in queries.SORTS else "newest"
    page = request.args.get("page", 1, type=int) or 1
    listing = queries.article_list(filters, sort, page, PER_PAGE)
    return render_template(
        "publishing/list.html", listing=listing, filters=filters, sort=sort,
        sorts=queries.SORTS, facets=queries.facet_counts(filters),
    )


def _live_or_404(initiative_id):
    publication = queries.live_publication(initiative_id)
    if publication is None:
        raise not_found()
    return publication


@bp.route("/initiatives/<int:initiative_id>")
def article_short(initiative_id):
    publication = _live_or_404(initiative_id)
    return redirect(article_url(publication), 301)


@bp.route("/initiatives/<int:initiative_id>-<slug>")
def article(initiative_id, slug):
    response = make_response(_article(initiative_id, slug))
    if response.status_code in (200, 304):
        views.count(initiative_id)  # written in batches (publishing.views): reading is not a write
    return response


@public_page
def _article(initiative_id, slug):
    publication = _live_or_404(initiative_id)
    if slug != publication.slug:
        if slug in {s.slug for s in publication.old_slugs}:
            return redirect(article_url(publication), 301)
        raise not_found()
    initiative = publication.initiative
    related = queries.related_articles(initiative, 5)
    related_pubs = queries.publications_of(related)
    return render_template(
        "publishing/article.html", publication=publication, initiative=initiative,
        attachments=queries.public_attachments(initiative.id),
        related=[(related_pubs[i.id], i) for i in related if i.id in related_pubs],
    )


@bp.route("/initiatives/<int:initiative_id>-<slug>/print")
@public_page
def article_print(initiative_id, slug):
    publication = _live_or_404(initiative_id)
    if slug != publication.slug:
        return redirect(article_url(publication) + "/print", 301)
    return render_template("publishing/print.html", publication=publication,
                           initiative=publication.initiative,
                           attachments=queries.public_attachments(initiative_id))


@bp.route("/initiatives/<int:initiative_id>/files/<int:attachment_id>")
def download(initiative_id, attachment_id):
    """A public attachment of a public article; anything else is 404, whoever asks."""
    _live_or_404(initiative_id)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.initiative_id != initiative_id or not attachment.is_public:
        raise not_found()
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    try:
        response = send_stored_file(folder / attachment.stored_name, attachment.original_name,
                                    attachment.content_type, max_age=3600)
    except FileNotFoundError:
        raise not_found()
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/feed.atom")
@public_page
def feed():
    code = (request.args.get("field") or "").strip()
    if code:
        return redirect(url_for("publishing.field_feed", code=code), 301)
    return _feed(None)


@bp.route("/fields/<code>/feed.atom")
@public_page
def field_feed(code):
    field = queries.field_by_code(code)
    if field is None:
        raise not_found()
    return _feed(field)


def _feed(field):
    entries = queries.feed_entries(field.code if field else None)
    updated = max((p.updated_at for p in entries), default=None)
    # xml_safe: a well-formed feed even with characters stored before the portal refused them.
    response = make_response(xml_safe(render_template(
        "publishing/feed.xml", entries=entries, field=field, updated=updated,
        self_url=(url_for("publishing.field_feed", code=field.code, _external=True) if field
                  else url_for("publishing.feed", _external=True)))))
    response.mimetype = "application/atom+xml"
    return response


@bp.route("/sitemap.xml")
@public_page
def sitemap():
    """The articles themselves while they fit one sitemap (SITEMAP_PAGE_SIZE, at most the
    protocol's 50,000; 10,000 by default), else a sitemap index naming its pages."""
    per_page = current_app.config["SITEMAP_PAGE_SIZE"]
    total = queries.sitemap_count()
    if total <= per_page:
        return _sitemap_response("publishing/sitemap.xml", rows=queries.sitemap_rows(), home=True)
    pages = range(1, math.ceil(total / per_page) + 1)
    return _sitemap_response("publishing/sitemap_index.xml", pages=pages,
                             updated=queries.last_modified())


@bp.route("/sitemap-<int:page>.xml")
@public_page
def sitemap_page(page):
    per_page = current_app.config["SITEMAP_PAGE_SIZE"]
    if page < 1 or (page - 1) * per_page >= max(queries.sitemap_count(), 1):
        raise not_found()
    return _sitemap_response("publishing/sitemap.xml", rows=queries.sitemap_rows(page, per_page),
                             home=page == 1)


def _sitemap_response(template, **context):
    response = make_response(xml_safe(render_template(template, **context)))
    response.mimetype = "application/xml"
    return response


@bp.route("/editor")
@require_roles("editor")
def queue():
    return render_template(
        "publishing/queue.html", waiting=operations.queue(),
        recent=queries.newest(15), due_days=current_app.config.get(
            "PUBLISH_DUE_DAYS", operations.PUBLISH_DUE_DAYS))


@bp.route("/editor/<int:initiative_id>/publish", methods=["GET", "POST"])
@require_roles("editor")
def publish(initiative_id):
    initiative = get_initiative_or_404(initiative_id, current_user, Act.publish)
    if initiative.publication is not None and initiative.publication.is_published:
        raise wrong_state(_("Sáng kiến này đã được công bố."))
    form = PublishForm()
    form.attachments.choices = [(a.id, a.original_name) for a in initiative.attachments]
    if request.method == "GET" and not form.restored:
        form.attachments.data = [a.id for a in initiative.attachments if a.is_public]
        if initiative.publication is not None:
            form.public_summary.data = initiative.publication.public_summary
    if not form.validate_on_submit():
        return render_template("publishing/publish.html", form=form, initiative=initiative), \
            422 if request.method == "POST" else 200
    publication = operations.publish(initiative, current_user, public_summary=form.public_summary.data or "",
                                     public_attachment_ids=form.attachments.data or [])
    db.session.commit()
    flash(_("Đã công bố sáng kiến trên Trang thông tin điện tử."), "success")
    return redirect(article_url(publication))


@bp.route("/editor/<int:initiative_id>/unpublish", methods=["GET", "POST"])
@require_roles("editor")
def unpublish(initiative_id):
    initiative = get_initiative_or_404(initiative_id, current_user, Act.unpublish)
    publication = initiative.publication
    if publication is None or not publication.is_published:
        raise wrong_state(_("Sáng kiến này chưa được công bố nên không thể gỡ bài."))
    form = UnpublishForm()
    if not form.validate_on_submit():
        return render_template("publishing/unpublish.html", form=form, initiative=initiative,
                               publication=publication), 422 if request.method == "POST" else 200
    operations.unpublish(initiative, current_user, form.reason.data)
    db.session.commit()
    flash(_("Đã gỡ bài khỏi Trang thông tin điện tử. Các tác giả đã được thông báo."), "success")
    return redirect(url_for("publishing.queue"))


@bp.app_template_filter("plain")
def plain_filter(text, limit=None):
    """Markdown as plain text, for summaries in lists, feeds and meta tags."""
    return plain_text(text, limit)

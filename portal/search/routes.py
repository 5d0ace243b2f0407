from flask import jsonify, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.auth.models import Unit
from portal.core.layout import register_nav
from portal.core.refusal import forbidden
from portal.core.textfold import fold
from portal.extensions import db
from portal.initiatives.models import Field
from portal.initiatives.workflow import LEVEL_LABELS, STATUS_LABELS, Level
from portal.publishing import queries
from portal.publishing.cache import remembered
from portal.search import bp, service
from portal.search.query import display

register_nav("Tìm kiếm", "search.search", order=6, section="public")
register_nav("Tra cứu sáng kiến", "search.internal", service.may_search_internal, order=55)

PER_PAGE = 10
MAX_PAGE = 500


def _page_arg():
    page = request.args.get("page", 1, type=int) or 1
    return min(max(1, page), MAX_PAGE)


def _filters():
    filters = queries.clean_filters(request.args)
    if "unit" in filters:
        filters["unit"] = str(filters["unit"])
    if "year" in filters:
        filters["year"] = str(filters["year"])
    return filters


def facet_labels(facets):
    """Readable names for the engine's facet values (field codes, unit ids, levels)."""
    codes = [c for c in facets.get("field", {}) if c]
    unit_ids = [int(u) for u in facets.get("unit", {}) if u.isdigit()]
    fields = dict(db.session.execute(
        select(Field.code, Field.name).where(Field.code.in_(codes))).all()) if codes else {}
    units = {str(k): v for k, v in db.session.execute(
        select(Unit.id, Unit.name).where(Unit.id.in_(unit_ids))).all()} if unit_ids else {}
    levels = {lv.value: LEVEL_LABELS[lv] for lv in Level}

    def ordered(name, labels, by_value=False):
        counts = facets.get(name, {})
        items = [(value, labels.get(value, value), n) for value, n in counts.items() if value]
        if by_value:
            return sorted(items, key=lambda item: item[0], reverse=True)
        return sorted(items, key=lambda item: (-item[2], item[1]))

    return {
        "year": ordered("year", {}, by_value=True),
        "field": ordered("field", fields),
        "level": ordered("level", levels),
        "unit": ordered("unit", units),
    }


def _clean_query():
    # The engine truncates long queries itself; the page keeps them short too.
    return (request.args.get("q") or "")[:1000]


@bp.app_template_global()
def search_examples():
    """Example queries drawn from the public index: ``{"words", "plain", "phrase"}`` (or empty)."""
    # Drawn once per site generation: what is published changes them, a reader's visit does not.
    found = remembered("search_examples", lambda: service.example_queries(2))
    if not found:
        return {}
    words = found[0]
    phrase = found[1] if len(found) > 1 else found[0]
    return {"words": words, "plain": fold(words), "phrase": phrase}


@bp.app_template_filter()
def as_typed(q):
    """A query as a sentence quotes it: without its own outer quotes."""
    return display(q)


@bp.route("/search")
def search():
    q = _clean_query()
    filters = _filters()
    if not q.strip() and not filters:
        return render_template("search/start.html", q=q, facets=queries.facet_counts({}))
    page = _page_arg()
    found = service.search_public(q, filters, page, PER_PAGE)
    publications = queries.publications_of([i for _h, i in found.items])
    items = [(hit, initiative, publications[initiative.id])
             for hit, initiative in found.items if initiative.id in publications]
    return render_template(
        "search/results.html", q=q, filters=filters, found=found, items=items,
        facets=facet_labels(found.result.facets),
    )


SUGGESTIONS = 8


@bp.route("/search/suggest")
def suggest():
    """Search as you type: phrases and titles for what has been typed (JSON, no state)."""
    q = (request.args.get("q") or "")[:200]
    found = service.suggest(q, SUGGESTIONS)
    items = [{"kind": "phrase", "label": text, "count": n, "url": url_for(".search", q=text)}
             for text, n in found["phrases"]]
    items += [{"kind": "title", "label": title,
               "url": url_for("publishing.article", initiative_id=pk, slug=slug)}
              for pk, title, slug in found["titles"]]
    response = jsonify({"q": q, "items": items})
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.route("/search/internal")
@login_required
def internal():
    """Every initiative past draft, any year, for the council (what the user may see)."""
    if not service.may_search_internal(current_user):
        raise forbidden()
    q = _clean_query()
    filters = _filters()
    if not q.strip() and not filters:
        return render_template("search/internal.html", q=q, found=None, items=[], filters={},
                               facets={}, status_labels=STATUS_LABELS)
    found = service.search_internal(q, current_user, filters, _page_arg(), 20)
    return render_template(
        "search/internal.html", q=q, filters=filters, found=found, items=found.items,
        facets=facet_labels(found.result.facets), status_labels=STATUS_LABELS,
    )

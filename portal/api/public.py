"""The public JSON API (no token) and the editor's publish/unpublish endpoints.

GET /api/v1/public/initiatives lists published articles, best match first
when `q` is given; GET /api/v1/public/initiatives/{id} is one article.
Both answer with ETag and Last-Modified, and 304 to a matching conditional
request.
"""
import hashlib
import json
import re

from flask import Response, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from portal.api import bp
from portal.api.common import current_api_user, int_arg, json_body, require_api_roles, text_arg, wrong_field
from portal.api.schema import ERROR_REF
from portal.core import refusal
from portal.core.markup import plain_text, render_markdown
from portal.extensions import db
from portal.initiatives.access import get_initiative_or_404
from portal.initiatives.models import Initiative
from portal.initiatives.workflow import Level
from portal.publishing import operations, queries
from portal.search import service

MAX_PER_PAGE = 100
YEAR = re.compile(r"[0-9]{4}")
SECTIONS = (
    ("current_state", "Thực trạng, nhược điểm"),
    ("solution", "Nội dung giải pháp"),
    ("conditions", "Điều kiện áp dụng"),
    ("benefits", "Hiệu quả đạt được"),
)


def _positive(name, default, maximum=None):
    return int_arg(name, default, minimum=1, maximum=maximum)


def _filters():
    filters = {}
    year = text_arg("year")
    if year:
        if not (YEAR.fullmatch(year)):
            raise wrong_field("year", _l("year phải là năm có 4 chữ số."))
        filters["year"] = int(year)
    field = text_arg("field")
    if field:
        filters["field"] = field
    level = text_arg("level")
    if level:
        if level not in {lv.value for lv in Level}:
            raise wrong_field("level", _l("level phải là grassroots, sector hoặc national."))
        filters["level"] = level
    unit = int_arg("unit")
    if unit is not None:
        filters["unit"] = unit
    return filters


def _item(publication):
    initiative = publication.initiative
    return {
        "id": initiative.id,
        "title": initiative.title,
        "year": initiative.year,
        "field": initiative.field.code if initiative.field else None,
        "field_name": initiative.field.name if initiative.field else None,
        "level": initiative.level.value if initiative.level else None,
        "unit": initiative.unit.name,
        "unit_id": initiative.unit_id,
        "authors": initiative.author_names,
        "summary": plain_text(publication.public_summary or initiative.summary),
        "published_at": publication.published_at.isoformat() + "Z",
        "url": url_for("publishing.article", initiative_id=initiative.id,
                       slug=publication.slug, _external=True),
    }


def _sql_facets(filters):
    counts = queries.facet_counts(filters)
    return {
        "year": {str(value): n for value, _label, n in counts["year"]},
        "field": {value: n for value, _label, n in counts["field"]},
        "level": {value: n for value, _label, n in counts["level"]},
        "unit": {str(value): n for value, _label, n in counts["unit"]},
    }


def _conditional(payload, last_modified):
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    response = Response(body, mimetype="application/json")
    response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
    if last_modified is not None:
        response.last_modified = last_modified.replace(microsecond=0)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response.make_conditional(request)


@bp.get("/public/initiatives")
def public_initiatives():
    q = text_arg("q")
    page = _positive("page", 1)
    per_page = _positive("per_page", 20, MAX_PER_PAGE)
    filters = _filters()
    suggestion = None
    if q:
        engine_filters = {k: str(v) for k, v in filters.items()}
        found = service.search_public(q, engine_filters, page, per_page)
        if found.unavailable:
            raise refusal.Refusal(503, _l("Chức năng tìm kiếm tạm thời chưa sẵn sàng; vui lòng thử lại sau."),
                                  code="search_unavailable")
        publications = queries.publications_of([i for _hit, i in found.items])
        items = [_item(publications[i.id]) for _hit, i in found.items if i.id in publications]
        total = found.result.total
        facets = {name: dict(found.result.facets.get(name, {})) for name in queries.FILTERS}
        hint = found.result.suggestion
        if not total and hint is not None:
            suggestion = {"q": hint.q, "total": hint.total}
    else:
        listing = queries.article_list(filters, "newest", page, per_page)
        items = [_item(p) for p in listing.items] if listing.page == page else []
        total = listing.total
        facets = _sql_facets(filters)
    payload = {"items": items, "total": total, "page": page, "per_page": per_page,
               "facets": facets, "suggestion": suggestion}
    return _conditional(payload, queries.last_modified())


@bp.get("/public/initiatives/<int:initiative_id>")
def public_initiative(initiative_id):
    publication = queries.live_publication(initiative_id)
    if publication is None:
        raise refusal.not_found(_l("Không có sáng kiến đã công bố với mã số này."))
    initiative = publication.initiative
    item = _item(publication)
    content = []
    for name, title in SECTIONS:
        text = getattr(initiative, name)
        if text:
            content.append(f"<h2>{title}</h2>\n{render_markdown(text)}")
    item.update({
        "content_html": "\n".join(content),
        "decision_no": initiative.decision_no or None,
        "decision_date": initiative.decision_date.isoformat() if initiative.decision_date else None,
        "attachments": [
            {"name": a.original_name, "size": a.size, "content_type": a.content_type,
             "url": url_for("publishing.download", initiative_id=initiative.id,
                            attachment_id=a.id, _external=True)}
            for a in queries.public_attachments(initiative.id)],
    })
    modified = max(publication.updated_at, initiative.updated_at)
    return _conditional(item, modified)


def _load(initiative_id):
    return get_initiative_or_404(initiative_id, current_api_user(), options=[selectinload(Initiative.attachments)])


@bp.post("/initiatives/<int:initiative_id>/publish")
@require_api_roles("editor")
def publish_initiative(initiative_id):
    initiative = _load(initiative_id)
    data = json_body(optional=True)
    summary = data.get("public_summary") or ""
    attachments = data.get("public_attachments")
    if not isinstance(summary, str) or (
            attachments is not None and not (isinstance(attachments, list)
                                             and all(isinstance(a, int) for a in attachments))):
        raise refusal.invalid(_l("public_summary là chuỗi; public_attachments là danh sách mã tệp."),
                              fields={"public_summary" if not isinstance(summary, str) else "public_attachments":
                                      [_l("Sai kiểu.")]})
    known = {a.id for a in initiative.attachments}
    if attachments is not None and not set(attachments) <= known:
        raise wrong_field("public_attachments", _l("Có tệp đính kèm không thuộc sáng kiến này."))
    publication = operations.publish(initiative, current_api_user(), public_summary=summary,
                                     public_attachment_ids=attachments)
    db.session.commit()
    return {"id": initiative.id, "published": True,
            "url": url_for("publishing.article", initiative_id=initiative.id,
                           slug=publication.slug, _external=True)}


@bp.post("/initiatives/<int:initiative_id>/unpublish")
@require_api_roles("editor")
def unpublish_initiative(initiative_id):
    initiative = _load(initiative_id)
    data = json_body()
    reason = data.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise wrong_field("reason", _l("Vui lòng nêu lý do gỡ bài (reason)."))
    operations.unpublish(initiative, current_api_user(), reason)
    db.session.commit()
    return {"id": initiative.id, "published": False}


_FACET = {"type": "object", "additionalProperties": {"type": "integer"}}
_ITEM = {
    "type": "object",
    "required": ["id", "title", "year", "field", "level", "unit", "authors", "summary",
                 "published_at", "url"],
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "year": {"type": "integer"},
        "field": {"type": ["string", "null"], "description": "field code"},
        "field_name": {"type": ["string", "null"]},
        "level": {"type": ["string", "null"], "enum": ["grassroots", "sector", "national", None]},
        "unit": {"type": "string", "description": "unit name"},
        "unit_id": {"type": "integer"},
        "authors": {"type": "array", "items": {"type": "string"}},
        "summary": {"type": "string"},
        "published_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string", "format": "uri"},
    },
}
_CONDITIONAL = [
    {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}},
    {"name": "If-Modified-Since", "in": "header", "schema": {"type": "string"}},
]
_CACHED_HEADERS = {
    "ETag": {"schema": {"type": "string"}},
    "Last-Modified": {"schema": {"type": "string"}},
}


def _query(name, schema, description):
    return {"name": name, "in": "query", "required": False, "schema": schema,
            "description": description}


PATHS = {
    "/public/initiatives": {
        "get": {
            "summary": "Published initiatives (search, filters, facets, pages)",
            "tags": ["public"],
            "security": [],
            "parameters": [
                _query("q", {"type": "string"}, "Words, with or without diacritics (one typo "
                       "per word forgiven); \"quoted phrases\"; field, unit, form, level, year "
                       "and decision number are searchable too; best match first."),
                _query("year", {"type": "integer"}, "Year of the initiative."),
                _query("field", {"type": "string"}, "Field code."),
                _query("level", {"type": "string", "enum": ["grassroots", "sector", "national"]},
                       "Level of recognition."),
                _query("unit", {"type": "integer"}, "Unit id."),
                _query("page", {"type": "integer", "minimum": 1, "default": 1},
                       "Page number; 422 when not a positive integer. A page past the end "
                       "is empty."),
                _query("per_page", {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE,
                                    "default": 20}, "Items per page; 422 outside 1–100."),
                *_CONDITIONAL,
            ],
            "responses": {
                "200": {"description": "A page of articles", "headers": _CACHED_HEADERS,
                        "content": {"application/json": {"schema": {
                            "type": "object",
                            "required": ["items", "total", "page", "per_page", "facets"],
                            "properties": {
                                "items": {"type": "array", "items": _ITEM},
                                "total": {"type": "integer"},
                                "page": {"type": "integer"},
                                "per_page": {"type": "integer"},
                                "facets": {"type": "object", "properties": {
                                    "year": _FACET, "field": _FACET, "level": _FACET,
                                    "unit": _FACET}},
                                "suggestion": {
                                    "description": "When `q` finds nothing: a corrected query "
                                                   "(typos fixed, in the spelling the articles "
                                                   "use) and how many articles it finds; "
                                                   "otherwise null.",
                                    "oneOf": [{"type": "null"}, {
                                        "type": "object", "required": ["q", "total"],
                                        "properties": {"q": {"type": "string"},
                                                       "total": {"type": "integer", "minimum": 1}}}]},
                            }}}}},
                "304": {"description": "Not modified since the ETag or date given"},
                "422": ERROR_REF,
            },
        },
    },
    "/public/initiatives/{id}": {
        "get": {
            "summary": "One published initiative with its content",
            "tags": ["public"],
            "security": [],
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                *_CONDITIONAL,
            ],
            "responses": {
                "200": {"description": "The article", "headers": _CACHED_HEADERS,
                        "content": {"application/json": {"schema": {"allOf": [_ITEM, {
                            "type": "object",
                            "required": ["content_html", "decision_no", "decision_date"],
                            "properties": {
                                "content_html": {"type": "string"},
                                "decision_no": {"type": ["string", "null"]},
                                "decision_date": {"type": ["string", "null"], "format": "date"},
                                "attachments": {"type": "array", "items": {"type": "object"}},
                            }}]}}}},
                "304": {"description": "Not modified"},
                "404": ERROR_REF,
            },
        },
    },
    "/initiatives/{id}/publish": {
        "post": {
            "summary": "Publish a recognised initiative (editor)",
            "tags": ["publishing"],
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "properties": {
                    "public_summary": {"type": "string"},
                    "public_attachments": {"type": "array", "items": {"type": "integer"}}}}}}},
            "responses": {
                "200": {"description": "Published", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"id": {"type": "integer"},
                                                     "published": {"type": "boolean"},
                                                     "url": {"type": "string"}}}}}},
                "401": ERROR_REF, "403": ERROR_REF, "404": ERROR_REF, "409": ERROR_REF, "422": ERROR_REF,
            },
        },
    },
    "/initiatives/{id}/unpublish": {
        "post": {
            "summary": "Take an article offline, with a reason (editor)",
            "tags": ["publishing"],
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["reason"],
                "properties": {"reason": {"type": "string"}}}}}},
            "responses": {
                "200": {"description": "Unpublished", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"id": {"type": "integer"},
                                                     "published": {"type": "boolean"}}}}}},
                "400": ERROR_REF, "401": ERROR_REF, "403": ERROR_REF, "404": ERROR_REF, "409": ERROR_REF, "422": ERROR_REF,
            },
        },
    },
}

"""The OpenAPI description of the initiatives endpoints (portal/api/initiatives.py)."""
from portal.api.schema import ERROR_REF, json_content
from portal.initiatives import rules
from portal.initiatives.workflow import Status

# anyOf, not oneOf: a staff author in a response also carries the name and workplace.
AUTHOR_SCHEMA = {"anyOf": [
    {"type": "object", "required": ["username", "share"], "description": "A staff account",
     "properties": {"username": {"type": "string"}, "share": {"type": "integer", "minimum": 1, "maximum": 100}}},
    {"type": "object", "required": ["name", "workplace", "share"], "description": "An outside co-author",
     "properties": {"name": {"type": "string", "maxLength": rules.NAME_MAX},
                    "workplace": {"type": "string", "maxLength": rules.WORKPLACE_MAX},
                    "share": {"type": "integer", "minimum": 1, "maximum": 100}}},
]}
WRITE_SCHEMA = {
    "type": "object",
    "description": "Shares of `authors` add up to 100 and the caller is among them (default: the caller "
                   "alone, 100). `content` is Markdown that may hold all four long sections under headings "
                   "(## Thực trạng, ## Nội dung giải pháp, ## Điều kiện áp dụng, ## Hiệu quả); or send them "
                   "as `current_state`, `solution`, `conditions`, `benefits`.",
    "properties": {
        "title": {"type": "string", "maxLength": rules.TITLE_MAX},
        "field": {"type": ["string", "null"], "description": "Field of work code, e.g. `criminal`"},
        "form": {"type": "string", "enum": ["solution", "project", "thematic"]},
        "year": {"type": "integer"},
        "unit": {"type": ["string", "integer"], "description": "Unit code or id (default: the caller's unit)"},
        "requested_level": {"type": "string", "enum": ["grassroots", "sector"]},
        "first_applied_on": {"type": ["string", "null"], "format": "date"},
        "ip_protected": {"type": "boolean", "description": "Under intellectual property protection (not an "
                                                           "initiative under ND 13/2012 Điều 3)"},
        "trial_only": {"type": "boolean", "description": "Only trial-applied so far"},
        "first_application_requested": {"type": "boolean", "description": "The authors ask the unit for a first "
                                                                          "application before the decision"},
        "summary": {"type": "string", "maxLength": rules.SUMMARY_MAX},
        "content": {"type": "string"},
        **{key: {"type": "string", "maxLength": rules.LONG_MAX, "description": label}
           for key, label in rules.SECTIONS.items()},
        "confidential_info": {"type": "string", "maxLength": rules.EXTRA_MAX,
                              "description": "Information to be kept confidential (never published)"},
        "trial_users": {"type": "string", "maxLength": rules.EXTRA_MAX,
                        "description": "People who took part in the trial or first application, one a line: "
                                       "name; date of birth; workplace; position; qualification; their task"},
        "trial_assessment": {"type": "string", "maxLength": rules.EXTRA_MAX,
                             "description": "Their assessment of the benefit (TT 18/2013 form)"},
        "authors": {"type": "array", "items": AUTHOR_SCHEMA, "maxItems": rules.MAX_AUTHORS},
    },
}
ITEM_SCHEMA = {
    "type": "object",
    "required": ["id", "title", "status", "year", "authors"],
    "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"},
        "status": {"type": "string", "enum": [s.value for s in Status]},
        "status_label": {"type": "string"}, "waiting_for": {"type": "string"},
        "year": {"type": "integer"}, "field": {"type": ["string", "null"]}, "form": {"type": "string"},
        "unit": {"type": "object"}, "requested_level": {"type": "string"}, "level": {"type": ["string", "null"]},
        "authors": {"type": "array", "items": AUTHOR_SCHEMA}, "version": {"type": ["integer", "null"]},
        "submitted_at": {"type": ["string", "null"]}, "updated_at": {"type": "string"}, "url": {"type": "string"},
    },
}
DETAIL_SCHEMA = {"allOf": [ITEM_SCHEMA, {"type": "object", "properties": {
    "first_applied_on": {"type": ["string", "null"], "format": "date"}, "summary": {"type": "string"},
    **{key: {"type": "string"} for key in rules.SECTIONS}, "content": {"type": "string"},
    **{key: {"type": "string"} for key in rules.APPLICATION_EXTRAS},
    "return_note": {"type": "string"}, "attachments": {"type": "array"}, "versions": {"type": "array"},
}}]}
ID_PARAM = {"name": "initiative_id", "in": "path", "required": True, "schema": {"type": "integer"}}


PATHS = {
    "/initiatives": {
        "post": {
            "summary": "Create a draft initiative (the caller is an author)",
            "tags": ["initiatives"],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                **WRITE_SCHEMA, "required": ["title"]}}}},
            "responses": {"201": json_content({"type": "object", "required": ["id", "status"], "properties": {
                "id": {"type": "integer"}, "status": {"const": "draft"}}}, "Created"),
                "400": ERROR_REF, "401": ERROR_REF, "422": ERROR_REF},
        },
        "get": {
            "summary": "List initiatives: with mine=1 those the caller authored",
            "tags": ["initiatives"],
            "parameters": [
                {"name": "mine", "in": "query", "schema": {"type": "string", "enum": ["1"]},
                 "description": "Only those the caller is named on; otherwise every initiative the caller "
                                "may see (their own; their council's year; those they were assigned; "
                                "recognised ones for editors; decided ones for the emulation office)"},
                {"name": "invited", "in": "query", "schema": {"type": "string", "enum": ["1"]},
                 "description": "Only open invitations: initiatives naming the caller as co-author, "
                                "not yet confirmed"},
                {"name": "year", "in": "query", "schema": {"type": "integer"}},
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": [s.value for s in Status]}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ],
            "responses": {"200": json_content({"type": "object", "properties": {
                "items": {"type": "array", "items": ITEM_SCHEMA}, "total": {"type": "integer"},
                "page": {"type": "integer"}, "per_page": {"type": "integer"}}}), "401": ERROR_REF, "422": ERROR_REF},
        },
    },
    "/initiatives/{initiative_id}": {
        "get": {
            "summary": "An initiative, for those who may see it (drafts: authors only; 404 otherwise)",
            "tags": ["initiatives"], "parameters": [ID_PARAM],
            "responses": {"200": json_content(DETAIL_SCHEMA), "401": ERROR_REF, "404": ERROR_REF},
        },
        "patch": {
            "summary": "Edit an initiative while editable (draft or returned; authors only)",
            "tags": ["initiatives"], "parameters": [ID_PARAM],
            "requestBody": {"required": True, "content": {"application/json": {"schema": WRITE_SCHEMA}}},
            "responses": {"200": json_content(DETAIL_SCHEMA), "400": ERROR_REF, "401": ERROR_REF, "403": ERROR_REF, "404": ERROR_REF,
                          "409": ERROR_REF, "422": ERROR_REF},
        },
    },
    "/initiatives/{initiative_id}/submit": {
        "post": {
            "summary": "Submit (or resubmit after a return): freezes a numbered version",
            "description": "422 `incomplete` with every item still to fill in under `fields.missing`; 409 "
                           "`coauthors_unconfirmed` while an invited co-author has not confirmed.",
            "tags": ["initiatives"], "parameters": [ID_PARAM],
            "responses": {"200": json_content({"type": "object", "properties": {
                "id": {"type": "integer"}, "status": {"const": "submitted"}, "version": {"type": "integer"}}}),
                "401": ERROR_REF, "403": ERROR_REF, "404": ERROR_REF, "409": ERROR_REF, "422": ERROR_REF},
        },
    },
    "/initiatives/{initiative_id}/withdraw": {
        "post": {
            "summary": "Withdraw a submitted initiative (author)",
            "tags": ["initiatives"], "parameters": [ID_PARAM],
            "requestBody": {"required": False, "content": {"application/json": {"schema": {
                "type": "object", "properties": {"reason": {"type": "string"}}}}}},
            "responses": {"200": json_content({"type": "object", "properties": {
                "id": {"type": "integer"}, "status": {"const": "withdrawn"}}}),
                "401": ERROR_REF, "403": ERROR_REF, "404": ERROR_REF, "409": ERROR_REF, "422": ERROR_REF},
        },
    },
    "/initiatives/{initiative_id}/coauthorship": {
        "post": {
            "summary": "Answer an invitation to be a co-author: accept (confirm) or decline",
            "description": "Only the invited staff account; declining removes them from the authors and "
                           "tells the creator. Submitting answers 409 `coauthors_unconfirmed` with the names "
                           "still awaited in `fields.authors` until every invited co-author has confirmed.",
            "tags": ["initiatives"], "parameters": [ID_PARAM],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["accept"], "properties": {"accept": {"type": "boolean"}}}}}},
            "responses": {"200": json_content({"type": "object", "required": ["id", "accepted"], "properties": {
                "id": {"type": "integer"}, "accepted": {"type": "boolean"}}}),
                "400": ERROR_REF, "401": ERROR_REF, "403": ERROR_REF, "404": ERROR_REF, "409": ERROR_REF, "422": ERROR_REF},
        },
    },
    "/initiatives/{initiative_id}/attachments": {
        "post": {
            "summary": "Attach a file (PDF, DOCX, XLSX, ODT, PNG, JPEG; judged from its bytes)",
            "tags": ["initiatives"], "parameters": [ID_PARAM],
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"201": json_content({"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"}, "content_type": {"type": "string"},
                "size": {"type": "integer"}}}, "Created"),
                "401": ERROR_REF, "403": ERROR_REF, "404": ERROR_REF, "409": ERROR_REF, "413": ERROR_REF, "422": ERROR_REF},
        },
    },
}

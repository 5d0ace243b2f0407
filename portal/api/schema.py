"""Pieces the API modules' OpenAPI descriptions share."""

ERROR_REF = {"$ref": "#/components/responses/Error"}


def errors(*codes):
    """The error responses of an operation: {"401": ERROR_REF, …}."""
    return {str(code): ERROR_REF for code in codes}


def json_media(schema):
    """A request body (or the content of a response) carrying JSON of `schema`."""
    return {"content": {"application/json": {"schema": schema}}}


def json_content(schema, description="OK"):
    """A response carrying JSON of `schema`."""
    return {"description": description, **json_media(schema)}

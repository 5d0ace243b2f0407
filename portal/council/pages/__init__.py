"""The council's pages, one module per stage of the work; each route loads through the gate,
asks the policy, validates, calls one operation, and renders or redirects."""
from portal.council.pages import (  # noqa: F401  (each module registers its routes on the blueprint)
    assignment,
    decision,
    discussion,
    documents,
    meeting,
    overview,
    rubric,
    scoring,
    screening,
    sector,
    template_globals,
)

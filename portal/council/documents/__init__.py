"""DOCX documents of the appraisal in the Vietnamese administrative format (python-docx).

`layout` holds the parts every document shares (Nghị định 30/2020/NĐ-CP); `organisation` who
issues and who signs; one module per document. Each builder returns a `docx.Document`;
`to_bytes` turns it into a file.
"""
from portal.council.documents.application import application_form
from portal.council.documents.certificate import certificate, certificate_no
from portal.council.documents.decision import recognition_decision
from portal.council.documents.layout import to_bytes
from portal.council.documents.minutes import meeting_minutes
from portal.council.documents.organisation import head_of_unit, organisation, organisation_of_year
from portal.council.documents.sheet import scoring_sheet
from portal.council.documents.text import score_text, vietnamese_date

__all__ = ["application_form", "certificate", "certificate_no", "head_of_unit", "meeting_minutes",
           "organisation", "organisation_of_year", "recognition_decision", "scoring_sheet", "score_text",
           "to_bytes", "vietnamese_date"]

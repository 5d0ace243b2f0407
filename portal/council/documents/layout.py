"""Building blocks of a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I).

A4, Times New Roman 13 pt, margins top 2 cm, bottom 2 cm, left 3 cm, right 1.5 cm; paragraph
spacing at least 6 pt and single line spacing; the header as a two-column table (issuing body
and its parent, bold body with a short rule under it, number | quốc hiệu, tiêu ngữ with the rule
under it, place and date in italics); page numbers centred in the top margin from page 2; the
signature block at the right and "Nơi nhận:" at the bottom left.

Every table is written with its grid (`w:tblGrid`), a fixed layout and the width of each cell:
Word reads the cell widths, LibreOffice the grid, and both then lay it out the same.
"""
import io
from copy import deepcopy
from dataclasses import dataclass, field

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree

from portal.core.text import xml_safe

FONT = "Times New Roman"
BODY_PT = 13
SPACING_PT = 6            # ND 30/2020: at least 6 pt between paragraphs
TABLE_SPACING_PT = 2      # inside table cells, where the grid separates the lines
MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
PORTRAIT = {"width": 21.0, "height": 29.7, "top": 2.0, "bottom": 2.0, "left": 3.0, "right": 1.5}
# Landscape pages bind at the top: the wide margin goes there.
LANDSCAPE = {"width": 29.7, "height": 21.0, "top": 3.0, "bottom": 1.5, "left": 2.0, "right": 2.0}
HEADER_WIDTHS = (6.0, 10.0)   # issuing body | national motto: the motto fits one line at 12 pt bold

CENTER = WD_ALIGN_PARAGRAPH.CENTER
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
LEFT = WD_ALIGN_PARAGRAPH.LEFT
T_TC, T_T, XML_SPACE = qn("w:tc"), qn("w:t"), qn("xml:space")


def to_bytes(document):
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def text_width(page):
    return page["width"] - page["left"] - page["right"]


def _set_page(section, page):
    section.orientation = WD_ORIENT.LANDSCAPE if page["width"] > page["height"] else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(page["width"]), Cm(page["height"])
    section.top_margin, section.bottom_margin = Cm(page["top"]), Cm(page["bottom"])
    section.left_margin, section.right_margin = Cm(page["left"]), Cm(page["right"])
    section.header_distance = section.footer_distance = Cm(1)


def new_document(page=PORTRAIT):
    """An empty document: A4, the fonts and spacing of ND 30, page numbers from page 2."""
    document = Document()
    for name in ("Normal", "Table Grid"):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(BODY_PT)
        # Vietnamese text needs the font for every script slot, not just ASCII.
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), FONT)
    normal = document.styles["Normal"].paragraph_format
    normal.space_before = Pt(0)
    normal.space_after = Pt(SPACING_PT)
    normal.line_spacing = 1.0
    section = document.sections[0]
    _set_page(section, page)
    page_numbers(section)
    return document


def page_numbers(section):
    """The page number centred in the top margin, not shown on the first page (ND 30, Điều 6.c)."""
    section.different_first_page_header_footer = True
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.alignment = CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    _field(paragraph, "PAGE")


def _field(paragraph, instruction):
    run = paragraph.add_run()
    run.font.name, run.font.size = FONT, Pt(BODY_PT)
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "2"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def new_section(document, page):
    """A new section on a new page (portrait or landscape), numbered on from the one before."""
    section = document.add_section()
    _set_page(section, page)
    section.different_first_page_header_footer = False  # its first page is not the document's
    section.header.is_linked_to_previous = True
    return section


def run(paragraph, text, *, bold=False, italic=False, size=None, underline=False):
    # Every text of a document passes here: what XML cannot hold (data stored before the portal
    # refused it) is dropped rather than failing the whole document.
    r = paragraph.add_run(xml_safe(text))
    r.bold, r.italic, r.underline = bold, italic, underline
    r.font.name = FONT
    if size:
        r.font.size = Pt(size)
    return r


def lines(paragraph, text, **style):
    """`text` with its "\n" as line breaks inside one paragraph (one block, one spacing)."""
    for i, line in enumerate(str(text).split("\n")):
        if i:
            paragraph.add_run().add_break(WD_BREAK.LINE)
        run(paragraph, line, **style)
    return paragraph


def para(container, text="", *, align=None, bold=False, italic=False, size=None, indent=False,
         space_after=None, space_before=None, keep_with_next=False):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if indent:
        fmt.first_line_indent = Cm(1)
    if space_after is not None:
        fmt.space_after = Pt(space_after)
    if space_before is not None:
        fmt.space_before = Pt(space_before)
    if keep_with_next:
        fmt.keep_with_next = True
    if text:
        lines(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def labelled(container, label, value, *, indent=True):
    """"Label: value" with the label bold, as the forms write their fields."""
    paragraph = para(container, align=JUSTIFY, indent=indent)
    run(paragraph, f"{label}: ", bold=True)
    lines(paragraph, value or "")
    return paragraph


def rule(container, length_cm, width_cm, *, space_after=0):
    """A short centred horizontal rule: an empty paragraph whose bottom border is `length_cm`
    long (the indents shorten it), inside a column `width_cm` wide."""
    paragraph = container.add_paragraph()
    # w:pBdr first: python-docx then puts w:spacing and w:ind after it, in the schema's order
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    fmt = paragraph.paragraph_format
    side = max(0.0, (width_cm - length_cm) / 2)
    fmt.left_indent = fmt.right_indent = Cm(side)
    fmt.space_before, fmt.space_after = Pt(0), Pt(space_after)
    fmt.line_spacing = Pt(3)
    return paragraph


def fixed_table(container, widths_cm, rows=1, *, align=WD_TABLE_ALIGNMENT.CENTER):
    """A table whose column widths hold in Word and LibreOffice: grid, fixed layout, total
    width, and the width on every cell."""
    table = container.add_table(rows=rows, cols=len(widths_cm))
    table.alignment = align
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    width = tbl_pr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        tbl_pr.append(width)
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(_twips(sum(widths_cm))))
    margins = OxmlElement("w:tblCellMar")
    for side, cm in (("left", 0.1), ("right", 0.1)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(_twips(cm)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tbl_pr.append(margins)
    for column, cm in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(cm)  # w:gridCol
    for row in table.rows:
        set_widths(row, widths_cm)
    return table


def set_widths(row, widths_cm):
    for cell, cm in zip(row.cells, widths_cm, strict=True):
        cell.width = Cm(cm)


def _twips(cm):
    return round(cm * 1440 / 2.54)


def scale(weights, total_cm):
    """Column widths in proportion to `weights`, adding up to `total_cm`."""
    whole = sum(weights)
    return [round(total_cm * w / whole, 2) for w in weights]


def cell_text(cell, text, *, bold=False, italic=False, align=None, size=None, space_after=TABLE_SPACING_PT):
    """Fill a new cell: one paragraph per line of `text`."""
    paragraph = cell.paragraphs[0]
    for i, line in enumerate(str(text).split("\n")):
        if i:
            paragraph = cell.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(space_after)
        run(paragraph, line, bold=bold, italic=italic, size=size)
    return paragraph


def cell_para(cell, text="", *, space_after=TABLE_SPACING_PT, **style):
    return para(cell, text, space_after=space_after, **style)


def grid(document, headers, rows, widths_cm, *, size=12, numeric=()):
    """A bordered table with a bold header row repeated on every page; columns in `numeric`
    (indices) are centred."""
    table = fixed_table(document, widths_cm, rows=1)
    table.style = document.styles["Table Grid"]
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, headers, strict=True):
        cell_text(cell, text, bold=True, align=CENTER, size=size)
    template = _row_template(table, widths_cm, size, numeric)
    for values in rows:
        table._tbl.append(_row_of(template, values))
    return table


def _row_template(table, widths_cm, size, numeric):
    """A body row built through python-docx with empty cells, taken out of the table to be copied.

    Building each cell through python-docx costs tens of microseconds per call (a decision lists
    3,000 initiatives): a copy of this row with its texts set is the same XML, made by lxml."""
    row = table.add_row()
    set_widths(row, widths_cm)
    _keep_row_together(row)  # a row is read whole: it moves to the next page rather than split
    for index, cell in enumerate(row.cells):
        cell_text(cell, "", size=size, align=CENTER if index in numeric else None)
    tr = row._tr
    tr.getparent().remove(tr)
    for tc in tr.iterchildren(T_TC):
        assert [child.tag for child in tc] == [qn("w:tcPr"), qn("w:p")], "a cell of one paragraph"
        assert [child.tag for child in tc[-1][-1]] == [qn("w:rPr")], "a run without text"
    return tr


def _row_of(template, values):
    """A copy of the template row holding `values`, as `cell_text` writes them: one paragraph per
    line, each a copy of the cell's first (w:tc holds w:tcPr then w:p; w:p holds w:pPr then its
    one w:r, empty but for its w:rPr) with its text added as python-docx adds it."""
    tr = deepcopy(template)
    for tc, value in zip(tr.iterchildren(T_TC), values, strict=True):
        lines = str("" if value is None else value).split("\n")
        first = tc[-1]
        blank = deepcopy(first) if len(lines) > 1 else None
        for i, line in enumerate(lines):
            paragraph = first if i == 0 else deepcopy(blank)
            if i:
                tc.append(paragraph)
            _add_text(paragraph[-1], xml_safe(line))
    return tr


def _add_text(r, text):
    """`r.text = text` (CT_R) without its search of the run's children, for plain text."""
    if "\t" in text or "\r" in text:
        r.text = text  # tabs and carriage returns become w:tab and w:br: python-docx's own way
        return
    if text:
        t = etree.SubElement(r, T_T)
        t.text = text
        if len(text.strip()) < len(text):
            t.set(XML_SPACE, "preserve")


def _repeat_header(row):
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)


@dataclass
class Signer:
    """A signature block: "KT. VIỆN TRƯỞNG" (on behalf of, when a deputy signs), the signer's
    position, their name. `note` is the line under the position in forms ("(Ký, ghi rõ họ tên)")."""
    position: str
    name: str = ""
    on_behalf: str = ""      # "KT. VIỆN TRƯỞNG", "TM. HỘI ĐỒNG"
    note: str = ""

    @property
    def authority(self):
        return "\n".join(part for part in (self.on_behalf, self.position) if part).upper()


@dataclass
class Header:
    """The top of a document: issuing body (its parent above it), number, place and date."""
    body: str                         # in capitals, may hold "\n"
    parent: str = ""
    number: str | None = None         # None: no number line; "": "Số:" with room to write it
    place_date: str = ""
    extra: list = field(default_factory=list)


def national_header(document, header, width_cm=None):
    """The two-column header table (ND 30, Phụ lục I, mục II: ô số 1, 2, 3, 4)."""
    total = width_cm or text_width(PORTRAIT)
    left_cm = HEADER_WIDTHS[0]
    widths = (left_cm, total - left_cm)
    table = fixed_table(document, widths)
    left, right = table.rows[0].cells
    first = left.paragraphs[0]
    first.alignment = CENTER
    first.paragraph_format.space_after = Pt(0)
    if header.parent:
        lines(first, header.parent.upper(), size=12)
        first = left.add_paragraph()
        first.alignment = CENTER
        first.paragraph_format.space_after = Pt(0)
    if header.body:
        lines(first, header.body.upper(), bold=True, size=12)
        rule(left, min(widths[0] / 2, 3.0), widths[0], space_after=4)
    if header.number is not None:
        cell_para(left, f"Số: {header.number or ' ' * 8}", align=CENTER, size=13, space_after=0)
    for text in header.extra:
        cell_para(left, text, align=CENTER, size=12, italic=True, space_after=0)
    motto = right.paragraphs[0]
    motto.alignment = CENTER
    motto.paragraph_format.space_after = Pt(0)
    run(motto, MOTTO_1, bold=True, size=12)
    tagline = cell_para(right, "", align=CENTER, space_after=4)
    run(tagline, MOTTO_2, bold=True, size=13, underline=True)
    if header.place_date:
        cell_para(right, header.place_date, align=CENTER, italic=True, size=13, space_after=0)
    para(document, space_after=0)
    return table


def title(document, text, subtitle=None, *, space_after=SPACING_PT * 2, space_before=SPACING_PT):
    """The name of the document in bold capitals, its summary under it (one block)."""
    paragraph = para(document, align=CENTER, space_before=space_before, space_after=space_after,
                     keep_with_next=True)
    run(paragraph, text.upper(), bold=True, size=14)
    if subtitle:
        paragraph.add_run().add_break(WD_BREAK.LINE)
        lines(paragraph, subtitle, bold=True, size=14)
    return paragraph


def _signature_cell(cell, signer, *, space_lines=4):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = CENTER
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.keep_with_next = True
    lines(paragraph, signer.authority, bold=True, size=13)
    if signer.note:
        cell_para(cell, signer.note, align=CENTER, italic=True, size=12, space_after=0, keep_with_next=True)
    for _ in range(space_lines):
        cell_para(cell, "", space_after=0, keep_with_next=True)
    cell_para(cell, signer.name or "", align=CENTER, bold=True, size=13, space_after=0)


def signatures(document, right, *, left=None, recipients=None, fill_left=None, width_cm=None):
    """The bottom of a document: signature at the right; at the left another signature (minutes),
    the "Nơi nhận:" block (ND 30, ô số 9a, 9b) or what `fill_left(cell)` writes there."""
    total = width_cm or text_width(PORTRAIT)
    widths = (total * 0.45, total * 0.55)
    para(document, space_after=0, keep_with_next=True)
    table = fixed_table(document, widths)
    left_cell, right_cell = table.rows[0].cells
    _keep_row_together(table.rows[0])
    if left is not None:
        _signature_cell(left_cell, left)
    elif recipients:
        receivers(left_cell, recipients)
    elif fill_left is not None:
        fill_left(left_cell)
    _signature_cell(right_cell, right)
    return table


def receivers(cell, names):
    """"Nơi nhận:" in bold italic 12 pt, each recipient on its own line in 11 pt, "- Lưu: …" last."""
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    run(paragraph, "Nơi nhận:", bold=True, italic=True, size=12)
    for i, name in enumerate(names):
        end = "." if i == len(names) - 1 else ";"
        cell_para(cell, f"- {name}{end}", size=11, space_after=0)


def recipients_after(document, names):
    """The "Nơi nhận:" block on its own, below signatures that take both columns (minutes)."""
    paragraph = para(document, space_before=SPACING_PT, space_after=0)
    run(paragraph, "Nơi nhận:", bold=True, italic=True, size=12)
    for i, name in enumerate(names):
        end = "." if i == len(names) - 1 else ";"
        para(document, f"- {name}{end}", size=11, space_after=0)


def _keep_row_together(row):
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))

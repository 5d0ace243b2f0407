"""The documents' tables write their body rows as copies of one template row (issue 15: a decision of
3,000 initiatives took 5 s through python-docx cell by cell): the XML is the one python-docx writes."""
from portal.council.documents import layout
from portal.council.documents.layout import CENTER

ROWS = [
    ["1", "Sáng kiến về hồ sơ điện tử", "Nguyễn Văn A (60%)\nTrần Thị B (40%)", "Phòng 1"],
    ["2", "  Khoảng trắng đầu và cuối  ", "", None],
    ["3", "Có\tdấu tab và ký tự \x0b không hợp lệ", "Một\n\nDòng trống giữa", "=1+1"],
    [4, "Số không phải chuỗi", "Lê C (100%)", "VKSND quận Hải Châu"],
]
WIDTHS = [1.0, 6.6, 4.6, 3.8]


def _cell_by_cell(document, headers, rows, widths_cm, *, size=12, numeric=()):
    """The tables as python-docx builds them cell by cell (the code before the template rows)."""
    table = layout.fixed_table(document, widths_cm, rows=1)
    table.style = document.styles["Table Grid"]
    header = table.rows[0]
    layout._repeat_header(header)
    for cell, text in zip(header.cells, headers, strict=True):
        layout.cell_text(cell, text, bold=True, align=CENTER, size=size)
    for values in rows:
        row = table.add_row()
        layout.set_widths(row, widths_cm)
        layout._keep_row_together(row)
        for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            layout.cell_text(cell, "" if value is None else value, size=size,
                             align=CENTER if index in numeric else None)
    return table


def test_template_rows_are_the_xml_python_docx_writes_cell_by_cell():
    headers = ["TT", "Tên sáng kiến", "Tác giả", "Đơn vị"]
    for size, numeric in ((12, (0,)), (11, (0, 3))):
        expected = _cell_by_cell(layout.new_document(), headers, ROWS, WIDTHS, size=size, numeric=numeric)
        made = layout.grid(layout.new_document(), headers, ROWS, WIDTHS, size=size, numeric=numeric)
        assert made._tbl.xml == expected._tbl.xml
        assert len(made.rows) == len(ROWS) + 1
        assert made.rows[1].cells[2].text == "Nguyễn Văn A (60%)\nTrần Thị B (40%)"


def test_a_table_without_rows_has_its_header_only():
    made = layout.grid(layout.new_document(), ["TT", "Tên"], [], [1.0, 5.0])
    assert [c.text for c in made.rows[0].cells] == ["TT", "Tên"]
    assert len(made.rows) == 1

"""The zip-level reader/writer must understand XML as openpyxl writes it with or
without lxml: numeric character references, empty <v></v>, and the r: prefix
declared per <sheet> rather than on <workbook>."""
from __future__ import annotations

import pytest

from xltools.xlsx.package import read_cells

# xml text of an inline string                str read back
UNESCAPE = [
    ("&#24180;&#24230;",                       "年度"),
    ("&#x5E74;&#x5EA6;",                       "年度"),
    ("A&amp;B &lt;1&gt; &quot;x&quot; &apos;", "A&B <1> \"x\" '"),
    ("&amp;#24180;",                           "&#24180;"),   # an escaped ampersand stays literal
    ("=1+1",                                   "=1+1"),
]


@pytest.mark.parametrize("xml,text", UNESCAPE)
def test_unescape(xml, text):
    sheet = f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{xml}</t></is></c></row></sheetData>'
    assert read_cells(sheet) == {"A1": text}


def test_read_cells_as_lxml_writes_them():
    xml = ('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&#39033;&#30446;&#21517;&#31216;</t></is></c>'
           '<c r="B1" t="n"><v></v></c><c r="C1"><f>B1*2</f><v></v></c><c r="D1"><v>9.9</v></c></row></sheetData>')
    assert read_cells(xml) == {"A1": "项目名称", "C1": "=B1*2", "D1": 9.9}

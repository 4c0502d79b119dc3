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


# <si> of sharedStrings.xml                                                   text
SHARED = [
    ("<t>项目名称</t>",                                                          "项目名称"),
    ("<r><rPr><b/></rPr><t>执行</t></r><r><t xml:space='preserve'>率 </t></r>",    "执行率 "),
    ("<t>株洲</t><rPh sb='0' eb='2'><t>ZHUZHOU</t></rPh>",                       "株洲"),  # phonetic run is not text
    ("<t/>",                                                                     ""),
]


@pytest.mark.parametrize("si, text", SHARED)
def test_shared_strings(si, text):
    from xltools.xlsx.package import Package

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = Package({
        "_rels/.rels": (f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                        "</Relationships>").encode(),
        "xl/workbook.xml": f'<workbook xmlns="{ns}"><sheets/></workbook>'.encode(),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId3" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>").encode(),
        "xl/sharedStrings.xml": f'<sst xmlns="{ns}" count="2"><si><t>零</t></si><si>{si}</si></sst>'.encode(),
    })
    assert pkg.shared_strings() == ["零", text]
    cells = '<sheetData><row r="1"><c r="A1" t="s"><v>1</v></c></row></sheetData>'
    assert read_cells(cells, pkg.shared_strings()) == ({"A1": text} if text else {})

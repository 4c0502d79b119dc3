"""Zip-level editing for what an Excel-saved master may hold: shared formulas,
a calculation chain, form controls in VML + DrawingML + <controls> on a sheet
that is copied."""
from __future__ import annotations


import pytest

from xltools.xlsx.package import Package, read_cells, rename_sheet_refs, set_cells, shift_formula
from xltools.xlsx.edits import Formula

# formula                           rows  cols  shifted
SHIFTS = [
    ("SUM(E4:E5)",                    0,    1,    "SUM(F4:F5)"),
    ("SUM(E4:E5)",                    2,    0,    "SUM(E6:E7)"),
    ("$E$4+E$4+$E4",                  1,    1,    "$E$4+F$4+$E5"),
    ("IF(A1=\"B2\",'项目1'!C3,\"\")",  1,    0,    "IF(A2=\"B2\",'项目1'!C4,\"\")"),
    ("LOG10(A1)+XT_L2_HEAD",          1,    0,    "LOG10(A2)+XT_L2_HEAD"),
    ("Z1",                            0,    1,    "AA1"),
    ("SUM(A:A)",                      0,    1,    "SUM(B:B)"),        # whole columns move too
    ("SUM(1:1)",                      2,    0,    "SUM(3:3)"),        # and whole rows
    ("SUM($A:B,$1:2)",                1,    1,    "SUM($A:C,$1:3)"),
    ("项目1!B2&\"C3\"",                1,    0,    "项目1!B3&\"C3\""),
]


@pytest.mark.parametrize("formula,rows,cols,expected", SHIFTS)
def test_shift_formula(formula, rows, cols, expected):
    assert shift_formula(formula, rows, cols) == expected


# formula                                  old      new      renamed
RENAMES = [
    ("'项目1'!$1:$3",                          "项目1", "项目2", "'项目2'!$1:$3"),
    ("'项目1'!$A$1:$K$30,'项目1'!$A:$B",      "项目1", "项目2", "'项目2'!$A$1:$K$30,'项目2'!$A:$B"),
    ("项目1!$A$1",                             "项目1", "项目2", "'项目2'!$A$1"),
    ("'项目11'!A1+项目10!A1",                  "项目1", "项目2", "'项目11'!A1+项目10!A1"),
    ("IF(A1=\"'项目1'!A1\",'项目1'!B1)",      "项目1", "项目2", "IF(A1=\"'项目1'!A1\",'项目2'!B1)"),
    ("'O''Brien'!A1",                          "O'Brien", "X",  "'X'!A1"),
]


@pytest.mark.parametrize("formula,old,new,expected", RENAMES)
def test_rename_sheet_refs(formula, old, new, expected):
    assert rename_sheet_refs(formula, old, new) == expected


SHARED = ('<worksheet><sheetData><row r="6">'
          '<c r="E6" s="1"><f t="shared" ref="E6:G6" si="0">SUM(E4:E5)</f><v>1</v></c>'
          '<c r="F6" s="1"><f t="shared" si="0"/><v>2</v></c>'
          '<c r="G6" s="1"><f t="shared" si="0"/><v>3</v></c>'
          '</row></sheetData></worksheet>')


def test_overwriting_a_shared_master_keeps_its_children():
    out = set_cells(SHARED, {(6, 5): Formula("=SUM(E4:E6)", 9)})
    cells = read_cells(out)
    assert '<f>SUM(F4:F5)</f><v>2</v>' in out and '<f>SUM(G4:G5)</f><v>3</v>' in out
    assert 't="shared"' not in out
    assert cells["E6"] == 9.0


def test_overwriting_a_child_only_leaves_the_group():
    out = set_cells(SHARED, {(6, 6): 5})
    assert 'ref="E6:G6" si="0"' in out and '<c r="F6" s="1"><v>5</v></c>' in out


MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
MC = 'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
XDR = 'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"'
A14 = 'xmlns:a14="http://schemas.microsoft.com/office/drawing/2010/main"'
VML = ('xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
       'xmlns:x="urn:schemas-microsoft-com:office:excel"')


def _excel_like_package() -> Package:
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Default Extension="vml" ContentType="application/vnd.openxmlformats-officedocument.vmlDrawing"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.macroEnabled.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          '<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>'
          '<Override PartName="/xl/ctrlProps/ctrlProp1.xml" ContentType="application/vnd.ms-excel.controlproperties+xml"/>'
          '<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/>'
          '</Types>')
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    return Package({
        "[Content_Types].xml": ct.encode(),
        "_rels/.rels": (f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                        '</Relationships>').encode(),
        "xl/workbook.xml": (f'<workbook {MAIN} {R}><sheets><sheet name="项目1" sheetId="1" r:id="rId1"/>'
                            '</sheets><definedNames><definedName name="_xlnm.Print_Titles" localSheetId="0">'
                            "'项目1'!$1:$3</definedName></definedNames><calcPr/></workbook>").encode(),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId9" Type="{rel}/calcChain" Target="calcChain.xml"/>'
            '</Relationships>').encode(),
        "xl/calcChain.xml": f'<calcChain {MAIN}><c r="B1" i="1"/></calcChain>'.encode(),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet {MAIN} {R} {MC}><sheetPr codeName="Sheet1"/><sheetData><row r="1"><c r="A1"><v>1</v></c>'
            '<c r="B1"><f>A1*2</f><v>2</v></c></row></sheetData>'
            '<drawing r:id="rId2"/><legacyDrawing r:id="rId3"/>'
            '<mc:AlternateContent><mc:Choice Requires="x14"><controls><mc:AlternateContent><mc:Choice Requires="x14">'
            '<control shapeId="1025" r:id="rId4" name="Button 1"><controlPr macro="[0]!Recalculate"/></control>'
            '</mc:Choice></mc:AlternateContent></controls></mc:Choice></mc:AlternateContent></worksheet>').encode(),
        "xl/worksheets/_rels/sheet1.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId2" Type="{rel}/drawing" Target="../drawings/drawing1.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/>'
            f'<Relationship Id="rId4" Type="{rel}/ctrlProp" Target="../ctrlProps/ctrlProp1.xml"/>'
            '</Relationships>').encode(),
        "xl/drawings/drawing1.xml": (f'<xdr:wsDr {XDR} {A14}><xdr:sp><xdr:nvSpPr><xdr:cNvPr id="1025" name="Button 1">'
                                     '<a14:compatExt spid="_x0000_s1025"/></xdr:cNvPr></xdr:nvSpPr></xdr:sp>'
                                     '</xdr:wsDr>').encode(),
        "xl/drawings/vmlDrawing1.vml": (f'<xml {VML}><o:shapelayout><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
                                        '<v:shape id="_x0000_s1025"><x:ClientData ObjectType="Button">'
                                        '<x:FmlaMacro>[0]!Recalculate</x:FmlaMacro></x:ClientData></v:shape>'
                                        '</xml>').encode(),
        "xl/ctrlProps/ctrlProp1.xml": ('<formControlPr xmlns="http://schemas.microsoft.com/office/'
                                       'spreadsheetml/2009/9/main" objectType="Button" lockText="1"/>').encode(),
    })


def test_clone_gives_copied_controls_their_own_shape_ids():
    pkg = _excel_like_package()
    part = pkg.clone_sheet("项目1", "项目2")
    rels = {r.type.rsplit("/", 1)[-1]: pkg.resolve(part, r.target) for r in pkg.rels(part)}
    assert set(rels) == {"drawing", "vmlDrawing", "ctrlProp"}
    assert all(p in pkg.parts and not p.endswith("1.xml") and not p.endswith("1.vml")
               for p in rels.values())
    vml, drawing, sheet = pkg.text(rels["vmlDrawing"]), pkg.text(rels["drawing"]), pkg.text(part)
    assert 'data="2"' in vml and "_x0000_s2049" in vml
    assert 'id="2049"' in drawing and 'spid="_x0000_s2049"' in drawing
    assert 'shapeId="2049"' in sheet and 'codeName="Sheet2"' in sheet
    assert pkg.content_type(rels["ctrlProp"]) == "application/vnd.ms-excel.controlproperties+xml"
    # the original sheet's parts are untouched
    assert "_x0000_s1025" in pkg.text("xl/drawings/vmlDrawing1.vml")
    assert 'shapeId="1025"' in pkg.text("xl/worksheets/sheet1.xml")
    names = {(a.get("localSheetId"), v) for a, v in pkg.defined_names()}
    assert ("1", "'项目2'!$1:$3") in names and ("0", "'项目1'!$1:$3") in names


def test_calc_chain_is_dropped():
    pkg = _excel_like_package()
    pkg.drop_calc_chain()
    assert "xl/calcChain.xml" not in pkg.parts
    assert "calcChain" not in pkg.text("xl/_rels/workbook.xml.rels")
    assert "calcChain" not in pkg.text("[Content_Types].xml")


def test_clone_refuses_tables():
    pkg = _excel_like_package()
    rels = pkg.text("xl/worksheets/_rels/sheet1.xml.rels").replace(
        "</Relationships>", '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/table" Target="../tables/table1.xml"/></Relationships>')
    pkg.put("xl/worksheets/_rels/sheet1.xml.rels", rels)
    with pytest.raises(ValueError, match="表格对象"):
        pkg.clone_sheet("项目1", "项目2")


# children of <worksheet> before              element added     children after
ORDER = [
    (["sheetPr", "sheetData", "pageMargins"],    "mergeCells",     ["sheetPr", "sheetData", "mergeCells", "pageMargins"]),
    (["sheetData", "mergeCells", "pageSetup"],   "dataValidations", ["sheetData", "mergeCells", "dataValidations", "pageSetup"]),
    (["dimension", "cols", "pageMargins"],       "sheetData",      ["dimension", "cols", "sheetData", "pageMargins"]),
    (["sheetData", "drawing", "AlternateContent:controls", "extLst"], "legacyDrawing",
     ["sheetData", "drawing", "legacyDrawing", "AlternateContent:controls", "extLst"]),
    (["sheetData", "tableParts"],                "legacyDrawing",  ["sheetData", "legacyDrawing", "tableParts"]),
    (["dimension", "sheetData"],                 "sheetPr",        ["sheetPr", "dimension", "sheetData"]),
    (["sheetData", "pageSetup"],                 "extLst",         ["sheetData", "pageSetup", "extLst"]),
]


@pytest.mark.parametrize("before, added, after", ORDER)
def test_elements_go_where_the_schema_puts_them(before, added, after):
    from lxml import etree

    from xltools.xlsx.package import WORKSHEET_ORDER, insert_ordered, local

    m = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    root = etree.Element(f"{{{m}}}worksheet", nsmap={"x": m, "mc": mc})
    for name in before:
        if name.startswith("AlternateContent:"):
            alt = etree.SubElement(root, f"{{{mc}}}AlternateContent")
            etree.SubElement(etree.SubElement(alt, f"{{{mc}}}Choice"), f"{{{m}}}controls")
        else:
            etree.SubElement(root, f"{{{m}}}{name}")
    insert_ordered(root, etree.Element(f"{{{m}}}{added}"), WORKSHEET_ORDER)
    got = ["AlternateContent:controls" if local(el) == "AlternateContent" else local(el) for el in root]
    assert got == after


def test_code_names_and_legacy_drawing_on_a_prefixed_sheet():
    """The helpers the VBA packaging uses, on a sheet written with an x: prefix."""
    pkg = _excel_like_package()
    m = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    pkg.put("xl/worksheets/sheet1.xml",
            f'<x:worksheet xmlns:x="{m}"><x:dimension ref="A1"/><x:sheetData/>'
            '<x:pageMargins left=\'0.7\' right=\'0.7\' top=\'0.75\' bottom=\'0.75\' header=\'0.3\' '
            "footer='0.3'/><x:extLst/></x:worksheet>")
    pkg.set_code_name("xl/worksheets/sheet1.xml", "Sheet7")
    pkg.add_legacy_drawing("xl/worksheets/sheet1.xml", "rId5")
    assert pkg.code_name("xl/worksheets/sheet1.xml") == "Sheet7"
    assert pkg.legacy_drawing("xl/worksheets/sheet1.xml") == "rId5"
    xml = pkg.text("xl/worksheets/sheet1.xml")
    assert xml.index("<x:sheetPr") < xml.index("<x:dimension")
    assert xml.index("<x:pageMargins") < xml.index("<x:legacyDrawing") < xml.index("<x:extLst")
    pkg.set_workbook_code_name("ThisWorkbook")
    assert pkg.workbook_code_name() == "ThisWorkbook"
    wb = pkg.text("xl/workbook.xml")
    assert wb.index("<workbookPr") < wb.index("<sheets")

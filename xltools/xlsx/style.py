"""How the sheets xltools writes look: the official tables' font, borders and
alignments, and A4 print setup.  One place, so the master, the department
sheets and the consolidation output print alike."""
from __future__ import annotations

from typing import Optional

from openpyxl.styles import Alignment, Border, Font, Side

FONT_NAME = "宋体"  # SimSun in Excel/WPS; LibreOffice falls back to a CJK font

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = Font(name=FONT_NAME, size=10)
FONT_BOLD = Font(name=FONT_NAME, size=10, bold=True)
FONT_TITLE = Font(name=FONT_NAME, size=16, bold=True)
FONT_NOTE = Font(name=FONT_NAME, size=9, color="595959")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
LEFT_TOP = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")

PAGE_FOOTER = "第 &P 页，共 &N 页"


def style(cell, font: Font = FONT, align: Alignment = CENTER, *, border: bool = True,
          fill=None, fmt: Optional[str] = None) -> None:
    """Font, alignment, thin border, optional fill and number format on one cell."""
    cell.font = font
    cell.alignment = align
    if border:
        cell.border = BORDER
    if fill is not None:
        cell.fill = fill
    if fmt:
        cell.number_format = fmt


def print_setup(ws, area: str, *, title_rows: Optional[str] = None, portrait: bool = False,
                footer: bool = True) -> None:
    """A4, landscape unless `portrait`, fit to the page width (any number of pages
    down), centred, narrow margins, `title_rows` repeated on every page, page
    numbers in the footer.  Works on normal and write-only sheets."""
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.paperSize = "9"  # A4 (write-only sheets lack the PAPERSIZE_A4 constant)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # without it Excel ignores fitToWidth
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_area = area
    if title_rows:
        ws.print_title_rows = title_rows
    if footer:
        ws.oddFooter.center.text = PAGE_FOOTER

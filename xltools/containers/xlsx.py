"""Reading an .xlsx/.xlsm by streaming its XML: values, formulas with their cached
results, merges, percent formats, hidden sheets — only inside the region a form
can occupy (`Limits.max_rows` × `Limits.max_cols`), with a cap on the cells
looked at.  One pass per sheet, bounded memory whatever the file holds: a value
typed in XFD1048576 or a whole-sheet merge costs nothing.

The zip's member sizes are checked (`zipguard.check_zip`) before anything is
decompressed.  A sheet listed in the workbook whose part is missing from the
zip is reported as a note, the other sheets are still read.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from datetime import datetime, timedelta
from functools import lru_cache
from operator import itemgetter
from typing import Any, Optional

from lxml import etree

from ..core.errors import WorkbookError, damage_detail
from .limits import Limits

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_T = "{%s}" % NS
_CELL_RE = re.compile(r"^([A-Za-z]{1,3})(\d{1,7})$")
#: Built-in number formats that show a date or time (Excel, including East Asian ids).
_DATE_IDS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_PERCENT_IDS = {9, 10}
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


class SheetData:
    """What the streaming pass found in one sheet."""

    def __init__(self) -> None:
        self.rows: list[list[Any]] = []
        self.merged: list[tuple[int, int, int, int]] = []
        self.formulas: set[tuple[int, int]] = set()
        self.uncached: set[tuple[int, int]] = set()  # formulas without a <v> (no result saved)
        self.percents: set[tuple[int, int]] = set()
        self.beyond: Optional[tuple[int, int]] = None  # first cell with content outside the region


def read_xlsx(path: str, zf: zipfile.ZipFile, limits: Limits):
    """→ (list of (name, hidden, SheetData | None, note)) for every worksheet."""
    names = set(zf.namelist())
    wb_xml = _parse_small(zf, "xl/workbook.xml", path)
    date1904 = False
    pr = wb_xml.find(f"{_T}workbookPr")
    if pr is not None and pr.get("date1904") in ("1", "true"):
        date1904 = True
    rels = _rels(zf, "xl/_rels/workbook.xml.rels", names)
    percent_xf, date_xf = _styles(zf, names, rels)
    sheets_el = wb_xml.find(f"{_T}sheets")
    sheets = list(sheets_el) if sheets_el is not None else []
    if len(sheets) > limits.max_sheets:
        raise WorkbookError(path, f"工作簿有 {len(sheets)} 张工作表，超过上限 {limits.max_sheets} 张，"
                                  "不像一份自评表；请只保留自评表后重新报送")
    listed = []  # (name, hidden, part or None, note)
    for sheet in sheets:
        name = sheet.get("name") or ""
        hidden = (sheet.get("state") or "visible") != "visible"
        rid = sheet.get(f"{{{REL_NS}}}id")
        target, rtype = rels.get(rid, ("", ""))
        if rtype and not rtype.endswith("/worksheet"):
            continue  # chartsheet, dialog sheet, macro sheet: no cells of a form
        part = _resolve("xl", target) if target else ""
        if not part or part not in names:
            shown = part or "（未登记）"
            listed.append((name, hidden, None,
                           f"工作表的内容部件 {shown} 在文件中缺失（文件可能已损坏），该表未读取；"
                           "请在 Excel/WPS 中打开、另存后重新报送"))
        else:
            listed.append((name, hidden, part, ""))
    fast = _read_fast(path, zf, names, rels, listed, percent_xf, limits)
    if fast is not None:
        return fast
    strings = _shared_strings(zf, names, rels, path, limits)
    out = []
    budget = [limits.max_cells]
    for name, hidden, part, note in listed:
        if part is None:
            out.append((name, hidden, None, note))
            continue
        data = _read_sheet(zf, part, strings, percent_xf, date_xf, date1904, limits, budget, path, name)
        out.append((name, hidden, data, ""))
    return out


# ---------------------------------------------------------------- fast path
#: Parts larger than this are always streamed (the fast path holds a part's bytes).
FAST_PART_BYTES = 8 * 1024 * 1024
_PFX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_R_ATTR = re.compile(rb"""\br\s*=\s*["']([A-Za-z]{1,3})([0-9]{1,7})["']""")
_V_TEXT = re.compile(_PFX + rb"v\s*>([^<]{0,64})<")


def no_results(formulas: set, blank: set) -> set:
    """The formula cells of a sheet saved without results: `blank` (formulas with
    no or an empty <v>) when it is all of them, else none.  Excel, WPS and
    LibreOffice save a result for every formula, an empty one for a formula
    showing ""; a program that writes formulas only (openpyxl, a platform's
    export) saves none — a sheet where no formula has a result."""
    return set(blank) if blank and not (formulas - blank) else set()


def _read_fast(path, zf, names, rels, listed, percent_xf, limits: Limits):
    """The usual case, at calamine's speed: every sheet part small and inside the
    region.  One regex pass over each part's bytes finds what calamine does not
    report — formula cells, percent-formatted cells, cached error values — and
    checks the extents; calamine then reads the values and merges.  None when any
    sheet needs the streaming reader (too large, content beyond the region, a
    cell without its address, a missing part, a shared-strings part too large)."""
    strings_part = _find_rel(rels, "/sharedStrings", "xl/sharedStrings.xml")
    if strings_part in names and zf.getinfo(strings_part).file_size > FAST_PART_BYTES:
        return None
    styles = _PercentStyles(percent_xf)
    scans = {}
    cells = 0
    for name, _hidden, part, _note in listed:
        if part is None:
            return None  # a missing part makes calamine refuse the whole file
        if zf.getinfo(part).file_size > FAST_PART_BYTES:
            return None
        scan = _scan_part(zf.read(part), styles, limits)
        if scan is None:
            return None
        cells += scan.cells
        if cells > limits.max_cells:
            return None
        scans[name] = scan
    from .legacy import read_calamine

    try:
        read = {entry[0]: entry for entry in read_calamine(path, limits, None)}
    except WorkbookError:
        return None  # let the streaming reader say what is wrong, or read what it can
    out = []
    for name, hidden, part, note in listed:
        if part is None:
            out.append((name, hidden, None, note))
            continue
        entry = read.get(name)
        if entry is None:
            return None  # calamine did not see the sheet as the workbook lists it
        data = SheetData()
        data.rows = entry[2]  # read_calamine's own lists, made for this call
        data.merged = entry[3]
        scan = scans[name]
        data.formulas = scan.formulas
        data.uncached = scan.uncached
        for (r, c), text in scan.errors.items():
            while len(data.rows) < r:
                data.rows.append([])
            row = data.rows[r - 1]
            while len(row) < c:
                row.append(None)
            row[c - 1] = text
        data.percents = {(r, c) for r, c in scan.percents
                         if _numeric_at(data.rows, r, c)}
        out.append((name, hidden, data, ""))
    return out


class _Scan:
    __slots__ = ("cells", "formulas", "uncached", "percents", "errors")

    def __init__(self) -> None:
        self.cells = 0
        self.formulas: set[tuple[int, int]] = set()
        self.uncached: set[tuple[int, int]] = set()
        self.percents: set[tuple[int, int]] = set()
        self.errors: dict[tuple[int, int], str] = {}


class _PercentStyles:
    """The workbook's percent styles as the bytes a cell tag carries (`s="3"` or
    `s='3'`), made once per file rather than once per sheet."""

    def __init__(self, percent_xf: set[int]) -> None:
        self.needles = [(s, f's="{s}"'.encode(), f"s='{s}'".encode()) for s in sorted(percent_xf)]

    def used(self, data: bytes) -> tuple[int, ...]:
        """The percent styles some tag of this part may carry (a cheap substring test)."""
        return tuple(s for s, double, single in self.needles if double in data or single in data)


def _scan_part(data: bytes, styles: _PercentStyles, limits: Limits) -> Optional[_Scan]:
    """Formula, percent and error cells of one sheet part, found with regular
    expressions over its bytes (no per-cell Python work: one `findall` gives every
    cell's address, sets of the distinct rows and columns give the extent, and a
    pattern only runs when a cheap substring test says it can match); None when
    the part needs the streaming reader."""
    scan = _Scan()
    found = _SHEET_DATA.search(data)
    if found is None:
        return scan  # no cells at all
    pat = _patterns(found.group(1) or b"")
    cells = pat.cells.findall(data)  # (letters, digits) per cell; (b"", b"") for a cell without its address
    scan.cells = len(cells)
    if scan.cells > limits.max_cells:
        return None
    if cells:
        letters = set(map(_FIRST, cells))
        if b"" in letters:
            return None  # a cell without its address: positions need the streaming reader
        if max(map(int, set(map(_SECOND, cells)))) > limits.max_rows:
            return None
        if max(map(_col_number, letters)) > limits.max_cols:
            return None
    first_merge = data.find(b"mergeCell")
    if first_merge >= 0:
        for ref in _MERGE_RE.findall(data, max(0, data.rfind(b"<", 0, first_merge))):
            end = _merge_end(ref)
            if end is None or end[0] > limits.max_rows or end[1] > limits.max_cols:
                return None  # a merge past the region (a whole-sheet merge): calamine would fill it
    used = styles.used(data)
    if used:
        for m in pat.styled(used).finditer(data):
            scan.percents.add(_tag_ref(m.group(0)))
    if b't="e"' in data or b"t='e'" in data:
        for m in pat.error.finditer(data):
            v = _V_TEXT.search(data, m.end(), m.end() + 200)
            if v is not None:
                scan.errors[_tag_ref(m.group(0))] = v.group(1).decode("utf-8", "replace")
    if pat.open_f in data:
        for m in pat.formula.finditer(data):
            tag = pat.cell_before(data, m.start())
            if tag:
                ref = _tag_ref(tag)
                scan.formulas.add(ref)
                end = data.find(pat.close, m.end())
                if pat.value.search(data, m.end(), end if end >= 0 else len(data)) is None:
                    scan.uncached.add(ref)  # no result (or an empty one) saved
    scan.uncached = no_results(scan.formulas, scan.uncached)
    return scan


class _Patterns:
    """The scan's patterns for one namespace prefix (b"" or b"x:"): each starts
    with a literal, which lets the regular-expression engine skip ahead fast."""

    def __init__(self, prefix: bytes) -> None:
        p = re.escape(b"<" + prefix)
        self.tag = p + rb"c\s"
        self.open_c = b"<" + prefix + b"c"
        self.open_f = b"<" + prefix + b"f"
        self.start = re.compile(p + rb"c[\s/>]")
        #: every cell tag: its address, or two empty groups when it has none
        self.cells = re.compile(p + rb"""c(?:\s[^>]*?\br\s*=\s*["']([A-Za-z]{1,3})([0-9]{1,7})["']|[\s/>])""")
        self.error = re.compile(p + rb"""c\s[^>]*?\bt\s*=\s*["']e["'][^>]*>""")
        self.formula = re.compile(p + rb"f[\s>/]")
        self.value = re.compile(p + rb"v\s*>[^<]")  # a <v> holding a result
        self.close = b"</" + prefix + b"c>"
        self._styled: dict[tuple[int, ...], re.Pattern] = {}

    def styled(self, used: tuple[int, ...]) -> re.Pattern:
        """Cell tags carrying one of the percent styles `used` (compiled once)."""
        pattern = self._styled.get(used)
        if pattern is None:
            pattern = self._styled[used] = re.compile(
                self.tag + rb"""[^>]*?\bs\s*=\s*["'](?:""" + b"|".join(str(s).encode() for s in used)
                + rb""")["'][^>]*>""")
        return pattern

    def cell_before(self, data: bytes, pos: int) -> Optional[bytes]:
        """The opening tag of the cell a formula at `pos` sits in: the last cell
        tag starting within the 400 bytes before it (None when there is none)."""
        lo = max(0, pos - 400)
        end = pos
        while True:
            at = data.rfind(self.open_c, lo, end)
            if at < 0:
                return None
            if self.start.match(data, at, pos):
                close = data.find(b">", at, pos)
                return data[at:close + 1] if close >= 0 else None
            end = at


_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_SHEET_DATA = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData[\s/>]")
_PATTERNS: dict[bytes, _Patterns] = {}


def _patterns(prefix: bytes) -> _Patterns:
    pat = _PATTERNS.get(prefix)
    if pat is None:
        pat = _PATTERNS[prefix] = _Patterns(prefix)
    return pat


@lru_cache(maxsize=4096)
def _merge_end(ref: bytes) -> Optional[tuple[int, int]]:
    """(row, col) of a merge's last cell from its `ref` attribute (forms repeat
    their templates' merges, hence the cache)."""
    return _ref(ref.decode("ascii", "replace").split(":")[-1])


def _tag_ref(tag: bytes) -> tuple[int, int]:
    ref = _R_ATTR.search(tag)
    return int(ref.group(2)), _col_number(ref.group(1))


def _numeric_at(rows: list[list[Any]], r: int, c: int) -> bool:
    if r > len(rows) or c > len(rows[r - 1]):
        return False
    value = rows[r - 1][c - 1]
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---------------------------------------------------------------- parts
def _parse_small(zf: zipfile.ZipFile, part: str, path: str):
    try:
        return etree.fromstring(zf.read(part), etree.XMLParser(resolve_entities=False, no_network=True,
                                                               huge_tree=False))
    except KeyError:
        raise WorkbookError(path, f"不是 Excel 工作簿（压缩包中没有 {part}）") from None
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise WorkbookError(path, f"文件已损坏，无法读取（{part}：{damage_detail(exc)}）") from None


def _rels(zf: zipfile.ZipFile, part: str, names: set[str]) -> dict[str, tuple[str, str]]:
    if part not in names:
        return {}
    try:
        root = etree.fromstring(zf.read(part), etree.XMLParser(resolve_entities=False, no_network=True))
    except Exception:
        return {}
    return {r.get("Id"): (r.get("Target") or "", r.get("Type") or "")
            for r in root.iter(f"{{{PKG_REL_NS}}}Relationship")}


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def _find_rel(rels: dict, suffix: str, default: str) -> str:
    for target, rtype in rels.values():
        if rtype.endswith(suffix):
            return _resolve("xl", target)
    return default


def _shared_strings(zf, names, rels, path, limits: Limits) -> list[str]:
    part = _find_rel(rels, "/sharedStrings", "xl/sharedStrings.xml")
    if part not in names:
        return []
    out: list[str] = []
    si_tag, t_tag, rph_tag = f"{_T}si", f"{_T}t", f"{_T}rPh"
    try:
        with zf.open(part) as fh:
            for _, el in etree.iterparse(fh, events=("end",), tag=si_tag, huge_tree=True,
                                         resolve_entities=False, no_network=True):
                parts = []
                for t in el.iter(t_tag):
                    parent = t.getparent()
                    if parent is not None and parent.tag == rph_tag:
                        continue  # phonetic guide, not the cell's text
                    if t.text:
                        parts.append(t.text)
                text = _xstring("".join(parts))
                out.append(text[: limits.max_text])
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
                if len(out) > limits.max_cells:
                    raise WorkbookError(path, f"共享字符串超过 {limits.max_cells} 个，文件过大，未读取")
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(path, f"文件已损坏，无法读取（共享字符串：{damage_detail(exc)}）") from None
    return out


def _styles(zf, names, rels) -> tuple[set[int], set[int]]:
    """Indexes of cellXfs whose number format shows a percent, and a date."""
    part = _find_rel(rels, "/styles", "xl/styles.xml")
    if part not in names:
        return set(), set()
    try:
        data = zf.read(part)
    except Exception:
        return set(), set()
    # Submissions made from one template carry the same styles part: parse each once.
    known = _STYLES_SEEN.get(data)
    if known is None:
        known = _styles_of(data)
        if len(data) <= 256 * 1024:  # at most 64 × 256 KB held
            if len(_STYLES_SEEN) >= 64:
                _STYLES_SEEN.clear()
            _STYLES_SEEN[data] = known
    return set(known[0]), set(known[1])


#: styles part bytes → (percent xfs, date xfs)
_STYLES_SEEN: dict[bytes, tuple[frozenset[int], frozenset[int]]] = {}


def _styles_of(data: bytes) -> tuple[frozenset[int], frozenset[int]]:
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    except Exception:
        return frozenset(), frozenset()
    codes: dict[int, str] = {}
    numfmts = root.find(f"{_T}numFmts")
    if numfmts is not None:
        for nf in numfmts:
            try:
                codes[int(nf.get("numFmtId"))] = nf.get("formatCode") or ""
            except (TypeError, ValueError):
                continue
    percent, date = set(), set()
    xfs = root.find(f"{_T}cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else []):
        try:
            fid = int(xf.get("numFmtId") or 0)
        except ValueError:
            continue
        code = _QUOTED.sub("", codes.get(fid, "")).lower()
        if fid in _PERCENT_IDS or (fid in codes and "%" in code):
            percent.add(i)
        elif fid in _DATE_IDS or (fid in codes and re.search(r"[ymdhs]", code) and "%" not in code):
            date.add(i)
    return frozenset(percent), frozenset(date)


# ---------------------------------------------------------------- sheet
def _col_number(letters: str | bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ch if isinstance(ch, int) else ord(ch)) - 64
    return n


def _ref(ref: str) -> Optional[tuple[int, int]]:
    m = _CELL_RE.match(ref.strip().replace("$", ""))
    if not m:
        return None
    return int(m.group(2)), _col_number(m.group(1))


def _read_sheet(zf, part, strings, percent_xf, date_xf, date1904, limits: Limits, budget: list[int],
                path: str, name: str) -> SheetData:
    data = SheetData()
    rows: dict[int, dict[int, Any]] = {}
    max_rows, max_cols = limits.max_rows, limits.max_cols
    row_tag, c_tag, mc_tag = f"{_T}row", f"{_T}c", f"{_T}mergeCell"
    v_tag, f_tag, is_tag, t_tag = f"{_T}v", f"{_T}f", f"{_T}is", f"{_T}t"
    row_no, col_no = 0, 0
    stop_rows = False
    try:
        with zf.open(part) as fh:
            context = etree.iterparse(fh, events=("start", "end"), tag=(row_tag, c_tag, mc_tag),
                                      huge_tree=True, resolve_entities=False, no_network=True)
            for event, el in context:
                tag = el.tag
                if event == "start":
                    if tag == row_tag:
                        r = el.get("r")
                        row_no = int(r) if r and r.isdigit() else row_no + 1
                        col_no = 0
                        if row_no > max_rows:
                            stop_rows = True  # rows come in order: the rest is outside the region
                            break
                    continue
                if tag == c_tag:
                    budget[0] -= 1
                    if budget[0] < 0:
                        raise WorkbookError(path, f"单元格超过 {limits.max_cells} 个（工作表“{name}”），"
                                                  "文件过大，不像一份自评表；请删除多余内容后重新报送")
                    ref = el.get("r")
                    pos = _ref(ref) if ref else None
                    if pos is None:
                        col_no += 1
                        pos = (row_no, col_no)
                    else:
                        col_no = pos[1]
                    r, c = pos
                    value, is_formula, style = _cell_value(el, strings, v_tag, f_tag, is_tag, t_tag, limits)
                    if r > max_rows or c > max_cols:
                        if (value is not None and value != "") and data.beyond is None:
                            data.beyond = (r, c)
                    else:
                        if style in date_xf and isinstance(value, (int, float)) and not isinstance(value, bool):
                            value = _date(value, date1904)
                        if value is not None or is_formula:
                            rows.setdefault(r, {})[c] = value
                        if is_formula:
                            data.formulas.add((r, c))
                            v = el.find(v_tag)
                            if v is None or not v.text:
                                data.uncached.add((r, c))
                        if style in percent_xf and isinstance(value, (int, float)) and not isinstance(value, bool):
                            data.percents.add((r, c))
                    el.clear()
                elif tag == row_tag:
                    el.clear()
                    parent = el.getparent()
                    if parent is not None:
                        while el.getprevious() is not None:
                            del parent[0]
                elif tag == mc_tag:
                    rng = (el.get("ref") or "").split(":")
                    if len(rng) == 2:
                        a, b = _ref(rng[0]), _ref(rng[1])
                        if a and b and a[0] <= max_rows and a[1] <= max_cols:
                            data.merged.append((a[0], a[1], min(b[0], max_rows), min(b[1], max_cols)))
                    el.clear()
        if stop_rows:
            data.beyond = data.beyond or (max_rows + 1, 0)
            # merges sit after the cells: find them without parsing the rest
            data.merged.extend(_merges_after(zf, part, max_rows, max_cols))
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(path, f"文件已损坏，工作表“{name}”无法读取（{damage_detail(exc)}）") from None
    if rows:
        height = max(rows)
        grid_rows: list[list[Any]] = []
        for r in range(1, height + 1):
            cells = rows.get(r)
            if not cells:
                grid_rows.append([])
                continue
            width = max(cells)
            line = [None] * width
            for c, v in cells.items():
                line[c - 1] = v
            grid_rows.append(line)
        data.rows = grid_rows
    data.uncached = no_results(data.formulas, data.uncached)
    return data


_MERGE_RE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref="([^"]{1,40})"')


def _merges_after(zf, part, max_rows, max_cols) -> list[tuple[int, int, int, int]]:
    """The merges of a sheet whose cells were cut at the region's last row, found by
    scanning the part's bytes (no XML tree is built for the rows beyond)."""
    out = []
    tail = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            buf = tail + chunk
            for m in _MERGE_RE.finditer(buf):
                rng = m.group(1).decode("ascii", "replace").split(":")
                if len(rng) == 2:
                    a, b = _ref(rng[0]), _ref(rng[1])
                    if a and b and a[0] <= max_rows and a[1] <= max_cols:
                        out.append((a[0], a[1], min(b[0], max_rows), min(b[1], max_cols)))
            cut = buf.rfind(b"<")
            tail = buf[cut:] if cut >= 0 and len(buf) - cut < 200 else b""
    return sorted(set(out))


def _cell_value(el, strings, v_tag, f_tag, is_tag, t_tag, limits: Limits):
    t = el.get("t") or "n"
    s = el.get("s")
    style = int(s) if s and s.isdigit() else 0
    v = el.find(v_tag)
    is_formula = el.find(f_tag) is not None
    raw = v.text if v is not None else None
    if t == "inlineStr":
        node = el.find(is_tag)
        text = _xstring("".join(x.text or "" for x in node.iter(t_tag))) if node is not None else ""
        return (text[: limits.max_text] or None), is_formula, style
    if raw is None:
        return None, is_formula, style
    if t == "s":
        try:
            return strings[int(raw)], is_formula, style
        except (ValueError, IndexError):
            return None, is_formula, style
    if t in ("str", "e"):
        return _xstring(raw)[: limits.max_text], is_formula, style
    if t == "b":
        return raw.strip() in ("1", "true"), is_formula, style
    text = raw.strip()
    try:
        if re.fullmatch(r"-?\d{1,15}", text):
            return int(text), is_formula, style
        return float(text), is_formula, style
    except ValueError:
        return raw[: limits.max_text], is_formula, style


_XESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _xstring(text: str) -> str:
    """Cell text as Excel means it: a character XML cannot hold is written
    `_xHHHH_` (Word's line break `_x000B_`), a literal `_xHHHH_` typed by a clerk
    `_x005F_xHHHH_` — decoded here as calamine does on the fast path (which
    leaves the escape of a lone surrogate as it is written)."""
    return _XESCAPE.sub(_xchar, text) if "_x" in text else text


def _xchar(m: re.Match) -> str:
    code = int(m.group(1), 16)
    return m.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)


def _date(serial: float, date1904: bool) -> Any:
    try:
        if date1904:
            base = datetime(1904, 1, 1)
        else:
            base = datetime(1899, 12, 30) if serial >= 61 else datetime(1899, 12, 31)
        return base + timedelta(days=float(serial))
    except (OverflowError, ValueError):
        return serial

"""Which unit a submission belongs to, and which units are expected to report.

A submission's unit is the one its workbook declares on a 基础信息 sheet (the
value beside a 单位名称 / 实施单位 / 填报单位 label), else the file name's stem
(`数据资源中心.xlsx` → 数据资源中心).  The expected units are the list a 基础信息
sheet gives under a 单位清单 / 下属单位 … label.  Labels are found by their text,
never by fixed addresses; spellings are compared with `values.normalize_text`.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from ..core.values import normalize_text
from ..containers.workbook import Book, Grid

INFO_SHEET = "基础信息"

#: Labels whose right-hand neighbour is the workbook's own unit.
UNIT_LABELS = ("本表填报单位", "填报单位", "单位名称", "实施单位", "报送单位", "本单位")
#: Labels heading the list of units that should report (values below or to the right).
LIST_LABELS = ("单位清单", "单位列表", "下属单位", "所属单位", "二级机构", "报送单位清单",
               "应报送单位", "应报单位", "实施单位清单", "单位(实施单位)", "单位名称", "单位",
               "实施单位")
#: List labels that may also head a one-row field; only a list *below* them counts.
_COLUMN_ONLY = ("单位名称", "单位", "实施单位")

_SUFFIX = re.compile(r"[:：]+$")
_HEADER_WORDS = ("序号", "名称", "说明", "备注")


def unit_key(name: Any) -> str:
    """The form of a unit name used to compare spellings: NFKC, no spaces, no
    quotes or brackets (“　一件事一次办”办公室 and "一件事一次办"办公室 agree)."""
    text = normalize_text(name)
    return re.sub(r"[\"'“”‘’「」『』《》()（）\[\]【】]", "", text)


def _is_list_label(label: str) -> bool:
    """单位清单, 实施单位（局机关及下属单位）名单 … : a unit list header."""
    return label in LIST_LABELS or ("单位" in label and label.endswith(("名单", "清单", "列表")))


def _label(value: Any) -> str:
    return _SUFFIX.sub("", normalize_text(value)) if isinstance(value, str) else ""


def info_sheet(book: Book) -> Optional[Grid]:
    """The 基础信息 sheet (exact name first, then a name containing it)."""
    for grid in book.sheets:
        if normalize_text(grid.name) == INFO_SHEET:
            return grid
    for grid in book.sheets:
        if INFO_SHEET in normalize_text(grid.name):
            return grid
    return None


def _right_value(grid: Grid, row: int, col: int, span: int = 2) -> Any:
    """The first non-empty value right of (row, col), skipping the label's own
    merged range, within `span` cells; a note in brackets is not a value."""
    r0, c0 = grid.anchor(row, col)
    c = col + 1
    while grid.anchor(row, c) == (r0, c0) and c <= grid.max_col:
        c += 1
    for cc in range(c, c + span):
        value = grid.merged_value(row, cc)
        text = normalize_text(value)
        if text and not (text[0] in "(（[【" and text[-1] in ")）]】"):
            return value
    return None


def declared_unit(book: Book) -> Optional[str]:
    """The unit the workbook declares on its 基础信息 sheet, as written (stripped)."""
    return info_value(book, UNIT_LABELS,
                      accept=lambda v: _label(v) not in UNIT_LABELS + LIST_LABELS + _HEADER_WORDS)


def expected_units(book: Book) -> list[str]:
    """Units a 基础信息 sheet lists as expected to report, in its order.

    The list sits under a list label (one unit a cell going down, up to the first
    blank) or, when nothing is below, to its right (one a cell, or one cell with
    names separated by 、，, ; or line breaks)."""
    grid = info_sheet(book)
    if grid is None:
        return []
    for r in range(1, grid.max_row + 1):
        for c in range(1, len(grid.rows[r - 1]) + 1):
            wanted = _label(grid.get(r, c))
            if not wanted or not _is_list_label(wanted):
                continue
            if wanted in _COLUMN_ONLY and _right_value(grid, r, c) is not None:
                continue  # a one-row field (单位名称 | 数据资源中心), not a list header
            found = _list_below(grid, r, c)
            if not found and wanted not in _COLUMN_ONLY:
                found = _list_right(grid, r, c)
            if found:
                return _dedupe(found)
    return []


def _list_below(grid: Grid, row: int, col: int, limit: int = 10_000) -> list[str]:
    out: list[str] = []
    r = grid.anchor(row, col)[0] + 1
    # A merged label may span rows: start below it.
    while grid.anchor(r, col) == grid.anchor(row, col):
        r += 1
    while r <= grid.max_row and len(out) < limit:
        value = grid.get(r, col)
        text = str(value).strip() if value is not None else ""
        if not normalize_text(text):
            break
        if any(w == _label(text) for w in _HEADER_WORDS):
            r += 1
            continue
        out.append(text)
        r += 1
    return out


def _list_right(grid: Grid, row: int, col: int) -> list[str]:
    out: list[str] = []
    c = col + 1
    while c <= grid.max_col:
        value = grid.get(row, c)
        if value is not None and normalize_text(value):
            out.extend(split_names(str(value)))
        elif out:
            break
        c += 1
    return out


def split_names(text: str) -> list[str]:
    """`局机关、数据资源中心，政务服务中心` → three names."""
    return [p.strip() for p in re.split(r"[、，,；;\n\r]+", text) if normalize_text(p)]


def _dedupe(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        key = unit_key(name)
        if key and key not in seen:
            seen.add(key)
            out.append(name.strip())
    return out


#: A version or copy mark at the end of a file name: 局机关（修改版）, 局机关_v2,
#: 局机关-终稿, 局机关(1), 局机关 - 副本, 局机关2022年 — a resubmission is the same unit.
_VERSION_MARK = re.compile(
    r"(?:[\s\u3000_\-—.·]*[(（]\d{1,2}[)）]|"
    r"[\s\u3000_\-—.·]*[(（【\[]?\s*(?:第?[一二三四五六七八九十\d]+稿|[vV]\d+(?:\.\d+)*|"
    r"(?:19|20)\d{2}年?度?|修改|修订|更正|重报|补报|最终|终稿|定稿|新|副本|复件|拷贝|备份|"
    r"[Cc]opy)(?:版|稿)?\s*[)）】\]]?)+$")


def file_unit(path: str) -> str:
    """The unit a file name gives: its stem, trimmed, without a version or copy
    mark at its end (`数据资源中心.xlsx`, `数据资源中心（修改版）.xlsx`)."""
    stem = Path(path).stem.strip()
    return _VERSION_MARK.sub("", stem).strip() or stem


#: What a file name says when it names the form, not the unit: 自评表.xlsx,
#: 2022年度项目支出绩效自评表（终稿）.xlsx, 附件1.docx — the words, years and numbers,
#: version marks and punctuation of such names.
_FORM_NAME_WORDS = re.compile(
    r"项目支出|部门整体支出|整体支出|项目|绩效|自评|评价|报送|汇总|报告|附件|附表|表格?|材料|"
    r"终稿|定稿|最终|修改|修订|新|版|稿|年度?|副本|复件|复制|拷贝|备份|[Cc]opy(?:\s*of)?|[vV]\d+|[0-9０-９一二三四五六七八九十]+|"
    r"[-_—.·\s\u3000，,、:：（）()【】\[\]《》]")


def is_form_file_name(stem: str) -> bool:
    """True when a file name names the form rather than a unit (`自评表`,
    `2022年绩效自评表（终稿）`): nothing is left once the form's words are taken out."""
    return not _FORM_NAME_WORDS.sub("", stem)


def resolve_unit(book: Optional[Book], path: str) -> tuple[str, str]:
    """(unit, source) of a submission: source is "基础信息", "文件名", or
    "文件夹名" — a file named for the form (`局机关/自评表.xlsx`, each unit's
    files in its own folder, as a netdisk or a mail download keeps them) is
    its folder's."""
    if book is not None:
        unit = declared_unit(book)
        if unit:
            return unit, INFO_SHEET
    stem = file_unit(path)
    folder = Path(path).parent.name.strip()
    if is_form_file_name(stem) and folder and not is_form_file_name(folder):
        return folder, "文件夹名"
    return stem, "文件名"


def same_unit(a: Any, b: Any) -> bool:
    return unit_key(a) == unit_key(b)


def info_value(book: Book, labels: Iterable[str],
               accept: Callable[[Any], bool] = lambda v: True) -> Optional[str]:
    """The value beside the first of `labels` found on the 基础信息 sheet (the first
    one `accept` takes: another label beside it is not a value)."""
    grid = info_sheet(book)
    if grid is None:
        return None
    for wanted in labels:
        for r in range(1, grid.max_row + 1):
            for c in range(1, len(grid.rows[r - 1]) + 1):
                if _label(grid.get(r, c)) == wanted:
                    value = _right_value(grid, r, c)
                    if value is not None and accept(value):
                        return str(value).strip()
    return None
    for wanted in labels:
        for r in range(1, grid.max_row + 1):
            for c in range(1, len(grid.rows[r - 1]) + 1):
                if _label(grid.get(r, c)) == wanted:
                    value = _right_value(grid, r, c)
                    if value is not None:
                        return str(value).strip()
    return None

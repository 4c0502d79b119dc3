"""`xltools ledger [--ledger PATH] [--master MASTER] [--all]` — who has submitted
(unit, file, time, status, problem count) and, when a 基础信息 sheet lists the
expected units, who is missing."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from ..consolidate.ledger import Ledger, Row, default_ledger_path, local_time
from ..consolidate.units import unit_key
from ..core.errors import LedgerError, XltoolsError

STATUS_WORD = {"ok": "正常", "problems": "有问题", "error": "无法读取"}


def register(sub) -> None:
    p = sub.add_parser("ledger", help="报送台账：谁已报送、谁还没报",
                       description="列出报送台账中各单位当前有效的报送文件（时间、状态、问题数）；"
                                   "主表“基础信息”列有单位名单时，列出尚未报送的单位。"
                                   "时间均为本地时间。退出码：0 全部已报送，1 有单位未报送，2 台账无法读取。")
    p.add_argument("--ledger", metavar="台账.sqlite",
                   help="台账文件（默认 整体支出汇总.ledger.sqlite）")
    p.add_argument("--master", metavar="主表.xlsm", help="从主表“基础信息”读取应报送单位名单")
    p.add_argument("--all", action="store_true", help="同时列出已被替换的历史版本")
    p.set_defaults(func=run)


def run(args) -> int:
    path = Path(args.ledger) if args.ledger else default_ledger_path("整体支出汇总.xlsx")
    expected: list[str] = []
    if args.master:
        try:
            from ..consolidate.plans import master_info

            expected = master_info(args.master, need_summary=False)[0]
        except XltoolsError as exc:
            print(f"无法读取主表：{exc}", file=sys.stderr)
            return 2
    try:
        with Ledger(path, readonly=True) as ledger:
            expected = expected or ledger.expected()
            rows = ledger.rows(current_only=False)
    except LedgerError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    current = [r for r in rows if r.current]
    history = [r for r in rows if not r.current and not r.gone_at] if args.all else []
    gone = _gone(rows)
    text, missing = format_ledger(path, current, expected, history, gone)
    print_safely(text)
    return 1 if missing else 0


def _gone(rows: list[Row]) -> list[Row]:
    """The last file of each unit that has no current file because it is no
    longer where it was (deleted, moved, renamed to another unit's name)."""
    have = {r.unit for r in rows if r.current}
    last: dict[str, Row] = {}
    for r in rows:
        if r.gone_at and r.unit not in have and (r.unit not in last or r.id > last[r.unit].id):
            last[r.unit] = r
    return list(last.values())


def print_safely(text: str) -> None:
    """Print to stdout; a reader that went away (`… | head`) ends the output
    quietly instead of with a traceback."""
    try:
        print(text, flush=True)
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass


def format_ledger(path: Path, current: list[Row], expected: list[str],
                  history: list[Row] = (), gone: list[Row] = ()) -> tuple[str, list[str]]:
    """The Chinese listing and the units still missing."""
    lines = [f"报送台账：{path}"]
    units = sorted({r.unit for r in current}, key=lambda u: [r.unit for r in current].index(u))
    lines.append(f"已报送 {len(units)} 个单位，{len(current)} 个文件：")
    lines.append("  " + pad("单位", 16) + pad("文件", 30) + pad("首次报送时间", 18) + pad("状态", 10)
                 + pad("项目数", 7, True) + pad("问题数", 7, True))
    for r in current:
        lines.append("  " + pad(r.unit, 16) + pad(r.name, 30) + pad(local_time(r.seen_at), 18)
                     + pad(STATUS_WORD.get(r.status, r.status), 10) + pad(r.projects, 7, True)
                     + pad(r.problem_count, 7, True)
                     + (f"  {r.error}" if r.error else "") + ("  （含宏，未运行）" if r.has_macros else "")
                     + (f"  （原名 {Path(r.renamed_from).name}）" if r.renamed_from else ""))
    if gone:
        lines.append(f"报送文件已不在原处的单位 {len(gone)} 个（文件被删除、移走或改名；未计为已报送）：")
        for r in gone:
            lines.append("  " + pad(r.unit, 16) + pad(r.name, 30)
                         + f"于 {local_time(r.gone_at)} 发现不在：{r.path}")
    missing: list[str] = []
    if expected:
        have = {unit_key(u) for u in units}
        missing = [u for u in expected if unit_key(u) not in have]
        if missing:
            lines.append(f"未报送 {len(missing)} 个单位：" + "、".join(missing))
        else:
            lines.append(f"应报送的 {len(expected)} 个单位均已报送。")
        extra = [u for u in units if unit_key(u) not in {unit_key(e) for e in expected}]
        if extra:
            lines.append("不在单位名单中的报送：" + "、".join(extra))
    else:
        lines.append("（没有单位名单：用 --master 指定主表，或先以 --master 运行一次汇总，才能列出未报送单位）")
    if history:
        lines.append(f"历史版本（已被替换）{len(history)} 个：")
        for r in history:
            lines.append("  " + pad(r.unit, 16) + pad(r.name, 30) + pad(local_time(r.seen_at), 18)
                         + f"被替换于 {local_time(r.superseded_at)}")
    return "\n".join(lines), missing


def pad(text: object, width: int, right: bool = False) -> str:
    """Pad to a terminal width; a Chinese character takes two columns."""
    import unicodedata

    text = str(text)
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    fill = " " * max(0, width - used)
    return fill + text if right else text + fill

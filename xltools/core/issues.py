"""The one vocabulary of problems (pandera's `SchemaErrorReason`, pydantic's error
`type`): every code xltools reports, its default severity, a Chinese title and an
explanation — and `Issue`, the one record every part of xltools reports a problem
with (project checks, the department evaluation, the consolidation and its
ledger, the master's 校验结果 sheet, the terminal and `--json`).

A code not in `CODES` is refused when an `Issue` is made, and so is a severity the
code does not allow.  A new code is one line in `CODES`; the README's code tables
are generated from it (`python -m xltools.core.issues`) and a test fails when they
differ.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

#: Severities, most serious first, and the one Chinese word for each.
SEVERITIES = ("error", "warning", "info")
SEVERITY_TEXT = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}

#: The README tables a code is listed in: which command reports it.
TABLES = {
    "check": "校验自评表（xltools check、主表的“校验”）",
    "consolidate": "汇总下级报送（xltools consolidate）",
    "evaluate": "部门整体支出评价（xltools evaluate、主表的“整体评价”）",
}


@dataclass(frozen=True)
class IssueType:
    """One code of the vocabulary.  `severities`: the ones it may be reported
    with, its default first.  `tables`: the README tables that list it."""

    code: str
    severities: tuple[str, ...]
    tables: tuple[str, ...]
    title: str
    explanation: str

    @property
    def severity(self) -> str:
        return self.severities[0]


def _define(*types: tuple) -> dict[str, IssueType]:
    out: dict[str, IssueType] = {}
    for code, severities, tables, title, explanation in types:
        severities, tables = tuple(severities.split("/")), tuple(tables.split("/"))
        assert code not in out and code.isidentifier() and code == code.lower(), code
        assert set(severities) <= set(SEVERITIES) and set(tables) <= set(TABLES), code
        out[code] = IssueType(code, severities, tables, title, explanation)
    return out


# One line per code.  severities "a/b": default a, b also allowed; tables "x/y".
CODES: Mapping[str, IssueType] = _define(
    # code                            severities             tables                   title / explanation
    ("missing_value",                 "error/warning",       "check/evaluate",        "必填项为空", "必填项为空：项目名称、主管部门、实施单位、预算数、分值、得分、总分得分、由评价人打分的指标的自评得分……"),
    ("missing_label",                 "info/warning",        "check",                 "缺少栏目", "表中缺少某一栏（如没有“分值”列），相应核对无法进行（报告末尾“未能核对”列出是哪些）"),
    ("value_unreadable",              "warning",             "check/evaluate",        "无法识别的数值", "像数字却读不出来的内容（如 `2..23亿元`、`<!%`），不会当成 0"),
    ("unit_converted",                "warning/info",        "check",                 "金额已换算为万元", "金额带了“元”“亿元”等单位，已换算为万元"),
    ("formula_error",                 "error",               "check",                 "公式出错", "单元格里是公式出错的结果（`#REF!`、`#DIV/0!` 等），不当作“未填写”"),
    ("formula_uncached",              "warning",             "check",                 "公式没有计算结果", "单元格是公式，但文件里没有保存它的计算结果（由程序生成、未经 Excel/WPS 保存）：按空白对待，自评总分与等次不作推算；在 Excel/WPS 中打开、保存后重新报送即可"),
    ("budget_total_zero",             "warning",             "check",                 "年度资金总额为 0", "“年度资金总额”一行是 0，钱填在“其中”行；已按其中各行读取"),
    ("rate_basis",                    "info",                "check",                 "执行率的分母", "表中没有全年（调整后）预算数一栏，执行率按所写的“预算数(A)”等一栏计算"),
    ("negative_amount",               "error",               "check",                 "金额为负数", "年初预算数、全年预算数或全年执行数是负数"),
    ("weight_total",                  "error",               "check",                 "分值合计不是 100", "预算执行率分值 + 全部指标分值 ≠ 100（“其中”行不重复计算）"),
    ("level_weight_mismatch",         "warning",             "check",                 "一级指标分值不符", "一级指标标注的分值（如 产出指标(50分)）与其下指标分值合计不符"),
    ("score_over_weight",             "error",               "check/evaluate",        "得分超过分值", "得分超过分值（或小于 0）"),
    ("total_mismatch",                "error",               "check/evaluate",        "总分与各项得分不符", "总分得分 ≠ 表上已填各项得分之和（按所填精度比较）"),
    ("rate_mismatch",                 "warning/error",       "check/evaluate",        "比率与算出的不符", "填写的比率与按其组成数算出的不符：执行率 = 全年执行数 ÷ 全年预算数，控制率 = 实际在职人数 ÷ 编制数（按所填精度比较）"),
    ("budget_score_mismatch",         "warning/error",       "check/evaluate",        "预算执行得分不符", "预算执行得分 ≠ 分值 × min(执行率, 100%)"),
    ("deduction_without_reason",      "warning",             "check/evaluate",        "扣分没写原因", "得分低于分值，却没填“偏差原因分析及改进措施”（评分表：扣分原因）"),
    ("level_mismatch",                "error",               "check",                 "二级指标归错一级", "二级指标放在了不属于它的一级指标下"),
    ("unknown_level",                 "warning",             "check",                 "不是规定的指标层级", "不是规定的一级/二级指标名称"),
    ("indicator_score_above_rule",    "warning",             "check",                 "得分高于规则得分", "定量指标（或按分档计分的指标）自评得分高于按规则算出的得分（按所填精度比较：填 8.9 与算出的 8.89 相符）"),
    ("qualitative_score_out_of_tier", "info",                "check",                 "定性得分不在档内", "定性指标得分不在其完成情况对应的档次内（达成 80–100%、部分达成 60–80%、未达成 0–60%）"),
    ("grade_mismatch",                "warning",             "check",                 "等次与总分不符", "评价等次与总分不符（优 ≥ 90、良 80–90、中 60–80、差 < 60）"),
    ("target_far_exceeded",           "warning",             "check",                 "指标偏离", "实际完成值远超年度指标值（如超出 30% 及以上），按平台规则扣分：年度指标值定得过低（只在有平台规则的配置中检查，如 platform）"),
    ("total_capped_by_rate",          "warning/info",        "check",                 "总分受执行率封顶", "预算执行率低于平台规则的界限，总分最高只能到封顶分（如执行率 70%–80% 最高 89 分）；总分填得更高为警告，规则计分被封顶为提示（只在有平台规则的配置中检查）"),
    ("unit_name_differs",             "warning",             "consolidate",           "实施单位写法不同", "表内“实施单位”与报送单位写法不同，已按报送单位汇总"),
    ("duplicate_project",             "warning",             "consolidate",           "项目重复", "同一单位的项目名称出现不止一次（都已计入）"),
    ("duplicate_file",                "warning",             "consolidate",           "重复文件", "文件与另一个文件内容完全相同，未重复汇总"),
    ("file_name_encoding",            "warning",             "consolidate",           "文件名编码", "文件名不是 UTF-8 编码（按 GBK 识读），建议改名"),
    ("file_unreadable",               "error",               "consolidate",           "文件读不出来", "文件读不出来（原因见说明）"),
    ("sheet_skipped",                 "info/warning",             "consolidate",           "工作表未汇总", "某个工作表不是自评表，未汇总（xltools 自己的“基础信息”“说明”等不提示）"),
    ("department_form_skipped",       "info",                "consolidate",           "部门表不计入项目汇总", "部门整体支出绩效自评表不计入项目汇总"),
    ("input_missing",                 "warning",             "evaluate",              "缺少计分数据", "按规则计分所需的数据在表里找不到，该指标未按规则计分（说明里写着该填在哪里）"),
    ("zero_denominator",              "error",               "evaluate",              "分母为零", "计分公式的分母为 0，无法计算"),
    ("rule_score_mismatch",           "error",               "evaluate",              "自评得分与规则不符", "评分表的自评得分与按评分规则算出的得分不符"),
    ("weight_mismatch",               "warning",             "evaluate",              "分值与评分规则不符", "评分表写的分值与评分规则的分值不符"),
    ("line_not_in_profile",           "warning",             "evaluate",              "评分规则中没有的指标", "评分表中的指标不在评分规则中，未计入总分"),
    ("line_absent",                   "warning",             "evaluate",              "评分表缺少指标", "评分规则中的三级指标在评分表中找不到"),
    ("total_by_rule",                 "info",                "evaluate",              "按规则的总分", "按评分规则算出的总分与评分表写的总分不同"),
    ("sum_mismatch",                  "warning",             "evaluate",              "合计与分项之和不符", "合计数与其分项之和不符（三公经费、项目支出、公用经费、按收入/支出性质分……）"),
    ("cross_table_mismatch",          "warning",             "evaluate",              "两表数字不一致", "自评表与基础数据表中同一个数不一致（如基本支出）"),
)


def issue_type(code: str) -> IssueType:
    """The registry entry of `code`; ValueError for a code not in the vocabulary."""
    try:
        return CODES[code]
    except KeyError:
        raise ValueError(f"unknown issue code {code!r}: add it to xltools.core.issues.CODES") from None


@dataclass
class Issue:
    """A problem found: a registered `code`, a `severity` the code allows ("" →
    the code's default), where it is (file, sheet, A1 cell), the field it
    concerns, the value seen, and a Chinese message a clerk can act on.
    `project` names the form when the issue travels outside its project record
    (consolidation's 问题清单 and ledger); `as_dict` leaves it out because there
    the issue sits inside its project's record."""

    code: str
    severity: str
    message: str
    file: str = ""
    sheet: str = ""
    cell: str = ""
    field: str = ""
    value: Any = None
    project: str = ""

    def __post_init__(self) -> None:
        kind = issue_type(self.code)
        if not self.severity:
            self.severity = kind.severity
        if self.severity not in kind.severities:
            raise ValueError(f"issue code {self.code!r} is never {self.severity!r} "
                             f"(allowed: {', '.join(kind.severities)})")

    @property
    def type(self) -> IssueType:
        return CODES[self.code]

    @property
    def severity_text(self) -> str:
        return SEVERITY_TEXT[self.severity]

    def as_dict(self) -> dict:
        """The `--json` record (field names stable)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "file": self.file,
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "value": _jsonable(self.value),
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], **override: Any) -> "Issue":
        """Back from `as_dict` (or a ledger row); `override` sets e.g. `project`."""
        fields = {k: data.get(k) for k in ("code", "severity", "message", "file", "sheet", "cell",
                                           "field", "value", "project") if k in data}
        for k in ("message", "file", "sheet", "cell", "field", "project"):
            if fields.get(k) is None and k in fields:
                fields[k] = ""
        fields.update(override)
        return cls(**fields)

    def key(self) -> tuple:
        """What identifies the problem in the ledger (its digest of a submission)."""
        return (self.code, self.severity, self.sheet, self.cell, self.project, self.message)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# ---------------------------------------------------------------- README tables
def markdown_table(table: str) -> str:
    """The README table of one command's codes (`check`, `consolidate`, `evaluate`)."""
    rows = ["| 代码 | 严重程度 | 问题 | 含义 |", "|---|---|---|---|"]
    for kind in CODES.values():
        if table in kind.tables:
            severity = "/".join(SEVERITY_TEXT[s] for s in kind.severities)
            rows.append(f"| `{kind.code}` | {severity} | {kind.title} | {kind.explanation} |")
    return "\n".join(rows)


def readme_block(table: str) -> str:
    """The table between its README markers."""
    return f"<!-- issue-codes:{table} -->\n{markdown_table(table)}\n<!-- /issue-codes -->"


def update_readme(text: str) -> str:
    """README text with every marked code table regenerated from `CODES`."""
    import re

    return re.sub(r"<!-- issue-codes:(\w+) -->\n.*?<!-- /issue-codes -->",
                  lambda m: readme_block(m.group(1)), text, flags=re.S)


if __name__ == "__main__":  # python -m xltools.core.issues [README.md]: regenerate the tables
    import sys
    from pathlib import Path

    path = Path(sys.argv[1] if len(sys.argv) > 1 else "README.md")
    path.write_text(update_readme(path.read_text(encoding="utf-8")), encoding="utf-8")

#!/usr/bin/env python3
"""生成 examples/ 下的示例工作簿（由 seeds/001 株洲市行政审批服务局 2022 年度自评材料逐格录入）。

    .venv/bin/python examples/build_examples.py            # 写入 examples/
    .venv/bin/python examples/build_examples.py --out DIR  # 写入别的目录

The nine forms of seed 001 (附件1-2 and the eight 附件1-3) plus 附件1-1, typed into
workbooks the way clerks lay them out.  Every value is the seed's own text, typos
included (`<!%`, `2..23亿元`, `\\u3000160`, `794500元` …): a checker must find the
mistakes DOMAIN.md §5 lists, so nothing here is corrected.

The file has two halves:

* DATA — one block per form, a table of seed strings (one string per seed cell,
  '' where the seed cell is empty, '\\u3000' where it holds only a full-width space).
  In the 一级指标 column, None is an empty cell that starts its own block: the seed's
  窗口补贴 form lost its "效益指标（30分）" label when the row that held it was deleted
  in Word, leaving the rest of that merged cell blank.
* LAYOUT — how each sheet puts those strings on a grid: title rows, header
  arrangement, merges, blank rows, column offset, numbers vs text, rate formats.
  The quirks are spread over the sheets by the `Layout` given to each form.

The output is deterministic: same script, same cells, merges and formats.
"""
from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from xltools.core.addresses import col_letter  # noqa: E402
from xltools.core.fileio import atomic_write  # noqa: E402

W = "\u3000"  # full-width space, as Word leaves it in the seed's cells

# =====================================================================================
# DATA — seed 001, cell by cell
# =====================================================================================

# Header rows shared by every 附件1-3 form (the seed's own labels).
BUDGET_HEADER = ("项目资金\n（万元）", W, "年初\n预算数", "全年\n预算数", "全年\n执行数", "分值", "执行率", "得分")
GOAL_HEADER = ("年度总体目标", "预期目标", "实际完成情况" + W)
INDICATOR_HEADER = ("绩\n效\n指\n标", "一级指标", "二级指标", "三级指标", "年度\n指标值", "实际\n完成值",
                    "分值", "得分", "偏差原因分析及改进措施")
TOTAL_LABEL = "总分"
NOTE_ONE_TABLE = "备注：一个一级项目支出一张表。"
SIGN_LINE_BLANK = "填表人：        填报日期：           联系电话：        单位负责人签字："

PROJECTS: dict[str, dict[str, Any]] = {}

PROJECTS["窗口补贴"] = dict(
    name="窗口补贴" + W,
    department=W,
    unit=W,
    budget=[
        # 行                        年初预算数      全年预算数       全年执行数       分值   执行率   得分
        ("年度资金总额\u3000",       "\u3000160",   "\u300065.61",  "\u300065.61",  "10",  "100%", "\u300010"),
        ("其中：当年财政拨款\u3000", "\u3000160",   "\u300065.61",  "\u300065.61",  "10",  "100%", "\u300010"),
        ("上年结转资金\u3000",       "\u3000",      "\u3000",       "\u3000",       "\u3000", "\u3000", "\u3000"),
        ("其他资金",                 "\u3000",      "\u3000",       "\u3000",       "\u3000", "\u3000", "\u3000"),
    ],
    goal=(
        "通过开展本项目，更好的管理市民中心窗口单位工作人员，加强对窗口单位工作人员的组织关怀，开展窗口单位工作人员"
        "优岗研究，调动窗口单位工作人员工作积极性，保持市民中心工作人员队伍稳定\u3000\u3000",
        "\u30001、完善对市民中心所有窗口单位工作人员的监督管理工作。2、按标准发放市民中心所有前台工作人员和本单位"
        "后室人员的窗口补贴。",
    ),
    indicators=[
        # 一级指标              二级指标             三级指标          年度指标值      实际完成值     分值  得分   偏差原因
        ("产出指标\n(50分)",    "数量指标",          "发放人数",       "\u3000220",    "\u3000261",   "10", "10",  "\u3000"),
        ("",                    "",                  "发放标准",       "400-600元",    "400-600元",   "5",  "5",   "\u3000"),
        ("",                    "质量指标",          "考勤覆盖率",     "\u3000100%",   "\u3000100%",  "10", "10",  "\u3000"),
        ("",                    "时效指标",          "发放时间",       "\u3000每季度末", "每季度末",  "5",  "5",   "\u3000"),
        ("",                    "",                  "考勤节点",       "\u3000每日四次", "每日四次",  "10", "10",  "\u3000"),
        ("",                    "成本指标",          "发放金额",       "\u3000160",    "\u300065.61", "10", "4.1", "接上级文件停止发放"),
        (None,                  "社会效\n益指标",    "考勤结果公开率", "\u3000>98%",   "\u3000100%",  "10", "10",  "\u3000"),
        ("",                    "生态效\n益指标",    "",               "\u3000",       "\u3000",      "",   "",    "\u3000"),
        ("",                    "",                  "",               "\u3000",       "\u3000",      "",   "",    "\u3000"),
        ("",                    "",                  "……",             "\u3000",       "\u3000",      "",   "",    "\u3000"),
        ("",                    "可持续影响指标",    "工作人员流失率", "\u3000<!%",    "\u3000<1%",   "10", "10",  "\u3000"),
        ("",                    "",                  "……",             "\u3000",       "\u3000",      "",   "",    "\u3000"),
        ("满意度\n指标\n（10分）", "服务对象满意度指标", "工作人员满意度", "\u3000>99%", "\u3000>99%",  "10", "10",  "\u3000"),
        ("",                    "",                  "",               "\u3000",       "\u3000",      "",   "",    "\u3000"),
        ("",                    "",                  "……",             "\u3000",       "\u3000",      "",   "",    "\u3000"),
    ],
    total=("100", "95.9"),
    notes=(),
)

PROJECTS["一件事一次办改革经费"] = dict(
    name="一件事一次办改革经费" + W,
    department="\u3000株洲市行政审批服务局",
    unit="“\u3000一件事一次办”办公室",
    budget=[
        # 行                        年初预算数    全年预算数      全年执行数   分值         执行率    得分
        ("年度资金总额\u3000",       "\u300040",  "\u300022.03",  "\u300022",  "\u300010",  "99.86%", "\u30009.9"),
        ("其中：当年财政拨款\u3000", "\u300040",  "\u300022.03",  "\u300022",  "\u300010",  "99.86%", "\u30009.9"),
        ("上年结转资金\u3000",       "\u3000",    "\u3000",       "\u3000",    "\u3000",    "\u3000", "\u3000"),
        ("其他资金",                 "\u3000",    "\u3000",       "\u3000",    "\u3000",    "\u3000", "\u3000"),
    ],
    goal=(
        "\u3000完成省政府和市政府部署的推进“一网通办”打造“一件事一次办”升级版改革任务，力争株洲市“放管服”“一件事"
        "一次办”改革工作获得全省真抓实干激励表扬。\u3000",
        "2022年已全面高质量完成省、市部署的“一网通办”“一件事一次办”改革任务，成效显著，获省政府深化“放管服”改革"
        "和“一件事一次办”升级版真抓实干激励表扬。\u3000",
    ),
    indicators=[
        # 一级指标, 二级指标, 三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因
        ("产出指标\n(50分)", "数量指标", "省政府公布的“一件事一次办”事项在株落地",
         "300项", "300项", "\u300010", "\u300010", "\u3000"),
        ("", "", "个人全生命周期“一件事一次办”事项上线运行",
         "20项", "\u300024项", "\u300010", "\u300010", "\u3000"),
        ("", "", "拓展株洲特色“一件事一次办”应用场景",
         "3项", "5项", "5", "5", ""),
        ("", "质量指标", "动态更新株洲有办理权限的“一件事一次办”事项线下服务指南，保证服务指南质量",
         "272项", "272项", "\u300010", "10", "\u3000"),
        ("", "时效指标", "完成纳入市绩效考核的个人全生命周期“一件事一次办”指标任务",
         "12月31日前完成", "11月20日前提前完成", "5", "5", "\u3000"),
        ("", "成本指标", "“一件事一次办”事项服务指南印刷成本",
         "比2021年每本印刷单价（29.5元）减少30%以上。", "2022年每本印刷单价为15元，成本减少49.2%。",
         "10", "10", "\u3000"),
        ("效益指标\n（30分）\n\u3000", "经济效\n益指标",
         "深化商事登记“一件事一次办”（如我要开便利店、我要开小餐馆等），提振市场主体信心。",
         "2022年全市个体工商户在2021年基础上增加2.6万户，增长10%。",
         "2022年全市个体工商户新增4.6万户，比2021年年增长17.8%。", "\u300010", "10", "\u3000"),
        ("", "社会效\n益指标", "推行“新生儿出生一件事”掌上办、一次办。",
         "通过掌上一次办，由政府买单，统一印制“一件事一次办”专属快递信封，为群众提供出生医学证明、新生儿户口簿等"
         "证照的免费EMS邮寄服务。",
         "该件事依托“诸事达”APP，已于2022年12月正式上线，对外提供服务。按株洲市2022年新生儿数计算（19.5万），年节省"
         "群众办事邮寄费用负担200万元以上。", "10", "10", ""),
        ("", "", "推行“不动产登记与水电气联办过户一件事”掌上办、一次办。",
         "群众一次性办理水电气过户时限压缩至2天以内。",
         "群众办理时限由3天压缩为1天，提交材料由8份减为1张身份证，极大方便群众办事。", "\u300010", "10", "\u3000"),
        ("满意度\n指标\n（10分）", "服务对象满意度指标", "“一件事一次办”群众办事满意度",
         "95%以上", "98%", "\u300010", "10", "\u3000"),
    ],
    total=("100", "\u300099.9"),
    notes=(NOTE_ONE_TABLE,),
)

PROJECTS["快递服务经费"] = dict(
    name="株洲市民中心“互联网+政务服务”快递服务经费",
    department="株洲市委、市政府",
    unit="株洲市行政审批服务局",
    budget=[
        # 行                        年初预算数      全年预算数   全年执行数       分值         执行率       得分
        ("年度资金总额\u3000",       "\u3000\n100", "\u3000187", "\u3000146.06",  "\u300010",  "\u300078%", "\u30007.8"),
        ("其中：当年财政拨款\u3000", "\u3000100",   "\u3000187", "\u3000146.06",  "\u300010",  "\u300078%", "\u30007.8"),
        ("上年结转资金\u3000",       "\u3000",      "\u3000",    "\u3000",        "\u3000",    "\u3000",    "\u3000"),
        ("其他资金",                 "\u3000",      "\u3000",    "\u3000",        "\u3000",    "\u3000",    "\u3000"),
    ],
    goal=(
        "为市民中心现场办证、网上申请办证的单位及群众，提供公文、证照等市级审批办理结果快递全国范围送达服务。",
        "为市民中心现场办证、网上申请办证的单位及群众，提供公文、证照等市级审批办理结果快递全国范围送达服务。"
        "2022年全年邮政快递送达56774件。",
    ),
    indicators=[
        # 一级指标, 二级指标, 三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因
        ("产出指标\n(50分)", "数量指标", "在市本级产生的公文、证照等审批办理结果份数",
         "75000件", "56774件", "20", "\u300015", "\u3000"),
        ("", "质量指标", "到达率", "90%以上", "100%", "\u300010", "\u300010", "\u3000"),
        ("", "时效指标", "市内送达时间", "7天", "100%", "\u300010", "\u300010", "\u3000"),
        ("", "成本指标", "全年“互联网+政务服务”快递服务收费标准",
         "株洲市10元，湖南省12元，省外\n17元。", "株洲市10元，湖南省12元，省外\n17元。", "10", "10", "\u3000"),
        ("效益指标\n（30分）\n\u3000", "经济效\n益指标", "提供优质营商环境",
         "100%", "100%", "\u300010", "\u300010", "\u3000"),
        ("", "社会效\n益指标", "群众满意度提升", "100%", "100%", "\u300010", "\u300010", "\u3000"),
        ("", "生态效\n益指标", "", "\u3000", "\u3000", "\u3000", "\u3000", "\u3000"),
        ("", "", "", "\u3000", "\u3000", "\u3000", "\u3000", "\u3000"),
        ("", "", "", "\u3000", "\u3000", "\u3000", "\u3000", "\u3000"),
        ("", "可持续影响指标", "", "\u3000", "\u3000", "\u3000", "\u3000", "\u3000"),
        ("", "", "", "\u3000", "\u3000", "\u3000", "\u3000", "\u3000"),
        ("", "", "", "\u3000", "\u3000", "\u3000", "\u3000", "\u3000"),
        ("满意度\n指标\n（10分）", "服务对象满意度指标", "群众满意度", "≥90%", "\u3000100%", "10", "10", "\u3000"),
    ],
    total=("100", "\u300095"),
    notes=(NOTE_ONE_TABLE, SIGN_LINE_BLANK),
)

PROJECTS["信创工程项目"] = dict(
    name="株洲市信息资源共享交换平台+“四级联动”信创工程项目",
    department="株洲市行政审批服务局",
    unit="中软信息系统工程有限公司",
    budget=[
        # 行                        年初预算数   全年预算数   全年执行数   分值  执行率  得分
        ("年度资金总额\u3000",       "0元",       "794500元",  "794500元",  "10", "100%", "10"),
        ("其中：当年财政拨款\u3000", "794500元",  "794500元",  "794500元",  "10", "100%", "10"),
        ("上年结转资金\u3000",       "0元",       "0元",       "0元",       "0",  "0",    "0"),
        ("其他资金",                 "0元",       "0元",       "0元",       "0",  "0",    "0"),
    ],
    goal=("完成项目初验，完成第一笔项目款支付", "已完成项目初验，并完成第一笔项目款支付"),
    indicators=[
        # 一级指标, 二级指标, 三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因
        ("产出指标\n(50分)", "数量指标", "完成部分数据资源目录发布", "500个", "718个", "5", "5", "\u3000"),
        ("", "", "进行部分数据沉淀", "500万条", "640万", "5", "5", "\u3000"),
        ("", "", "完成部分部门对接工作", "10个", "7个", "5", "3.5",
         "目前老平台在同步运行，大部分部门已经与老平台进行对接，后续将加快数据迁移速度。"),
        ("", "质量指标", "确保平台安全运行", "平台安全运行，确保不发生安全事故", "100%", "5", "5", "\u3000"),
        ("", "", "平台稳定运行", "确保平台稳定运行，不出现数据丢失等情况", "100%", "5", "5", "\u3000"),
        ("", "时效指标", "平台安装部署", "6月份之前完成平台安装部署工作", "100%", "5", "5", "\u3000"),
        ("", "", "项目初验", "8月份之前完成项目初验工作", "100%", "5", "5", "\u3000"),
        ("", "", "上线试运行", "100%", "", "5", "5", "\u3000"),
        ("", "成本指标", "成本控制", "项目成本控制在113.5万元", "项目实际支付金额79.45万元", "10", "7",
         "\u3000尾款无专项预算经费"),
        ("效益指标\n（30分）\n\u3000", "经济效\n益指标", "数据归集、沉淀",
         "沉淀各委办局数据，为数据要素市场以及数据交易打下坚实基础", "100%", "10", "10", "\u3000"),
        ("", "社会效\n益指标", "有效建立数据共享机制，为政务服务奠定数据基础",
         "建立各部门数据共享机制，提高线上审批率", "100%", "10", "10", "\u3000"),
        ("", "生态效\n益指标", "", "\u3000", "\u3000", "\u3000", "\u3000", "\u3000"),
        ("", "可持续影响指标", "逐步解决数据孤岛问题",
         "完成国产化适配，确保未来数年内不会因国产化适配而淘汰", "100%", "10", "10", "\u3000"),
        ("满意度\n指标\n（10分）", "服务对象满意度指标", "做好省平台数据回流工作",
         "做好省平台数据回流工作，为各单位数据下发提供技术保障", "已完成", "5", "5", "\u3000"),
        ("", "", "满足各单位数据需求", "各单位数据需求满意率", "100%", "5", "5", "\u3000"),
    ],
    total=("100", "95"),
    notes=(NOTE_ONE_TABLE,),
)

PROJECTS["项目技术审查会相关费用"] = dict(
    name="项目技术审查会相关费用",
    department="株洲市行政审批服务局",
    unit="株洲市行政审批服务局",
    budget=[
        # 行                        年初预算数  全年预算数  全年执行数  分值      执行率    得分
        ("年度资金总额\u3000",       "100",      "100",      "62.7",     "10",     "62.7%",  "\u3000"),
        ("其中：当年财政拨款\u3000", "\u3000",   "\u3000",   "\u3000",   "\u3000", "\u3000", "\u3000"),
        ("上年结转资金\u3000",       "\u3000",   "\u3000",   "\u3000",   "\u3000", "\u3000", "\u3000"),
        ("其他资金",                 "\u3000",   "\u3000",   "\u3000",   "\u3000", "\u3000", "\u3000"),
    ],
    goal=("市本级信息化化项目技术方案和概算审查\u3000\u3000\u3000", "\u3000完成52个信息化化项目技术方案和概算审查"),
    indicators=[
        # 一级指标, 二级指标, 三级指标, 年度指标值, 实际完成值, 分值, 得分, 偏差原因
        ("产出指标\n(50分)", "数量指标", "技术审查会信息化项目", "≥60", "完成各阶段项目管理数≥60",
         "12.5", "12.5", "\u3000"),
        ("", "质量指标", "保证全市信息化项目理念先进、技术科学、惠民利企", "≥90%", "完成项目管理任务完成率≥90%",
         "12.5", "12.5", "\u3000"),
        ("", "时效指标", "年内完成率", "100%", "完成项目管理按时办结率100%", "12.5", "12.5", "\u3000"),
        ("", "成本指标", "成本控制数", "96.5万元", "62.7万元", "12.5", "8.12",
         "项目款项跨年度支付，现阶段只支付首付款和进度款两笔。"),
        ("效益指标\n（30分）\n\u3000", "经济效\n益指标", "项目投资估（概）算审减额度", "≥90%",
         "完成≥90%项目投资估（概）算审减", "7.5", "7.5", "\u3000"),
        ("", "社会效\n益指标", "为全市信息化项目提供专业性的技术审查", "100%",
         "完成各阶段全市信息化项目专业技术审查", "7.5", "7.5", "\u3000"),
        ("", "生态效\n益指标", "避免单位信息化项目建设方案和项目概算表反复修改，减少纸张浪费", "≥90%",
         "完成减少单位信息化项目建设方案和项目概算表修改次数，减少纸张浪费", "7.5", "7.5", "\u3000"),
        ("", "可持续影响指标",
         "确保我市信息化项目理念先进、技术科学、实施可靠、资源共享、信息互通、惠民利企、整体安全，打造“智慧株洲”",
         "≥90%",
         "确保我市信息化项目理念先进、技术科学、实施可靠、资源共享、信息互通、惠民利企、整体安全，打造“智慧株洲”",
         "7.5", "7.5", "\u3000"),
        ("满意度\n指标\n（10分）", "服务对象满意度指标", "提高信息化项目审查管理水平，提高信息化项目审批速度", "≥90%",
         "完成有效提高信息化项目审查管理水平，有效提高信息化项目审批速度", "7.5", "7.5", "\u3000"),
    ],
    total=("100", "95.62"),
    notes=(NOTE_ONE_TABLE,),
)

PROJECTS["网络安全设备和安全服务"] = dict(
    name="株洲市电子政务外网网络安全设备和安全服务项目",
    department="\u3000株洲市行政审批服务局",
    unit="\u3000株洲市行政审批服务局",
    budget=[
        # 行                        年初预算数  全年预算数  全年执行数  分值      执行率    得分
        ("年度资金总额\u3000",       "100",      "240",      "240",      "10",     "100%",   "10"),
        ("其中：当年财政拨款\u3000", "100",      "240",      "240",      "",       "",       ""),
        ("上年结转资金\u3000",       "\u3000",   "\u3000",   "\u3000",   "\u3000", "\u3000", "\u3000"),
        ("其他资金",                 "\u3000",   "\u3000",   "\u3000",   "\u3000", "\u3000", "\u3000"),
    ],
    goal=(
        "采购安全设备和安全服务保障市电子政务外网具备对互联网出口及市骨干网出入流量的监管控制、政务外网上网流量的"
        "审计和全网日志审计等功能，对政务网络开展包括应急演练、安全检查、风险评估和安全培训等在内的安全运维服务，"
        "进行等级保护测评，取得公安机关等保2.0三级备案证明。\u3000\u3000",
        "已采购相应安全设备，定期开展应急演练、安全检查、风险评估和安全培训等在内的安全运维服务，市政务外网取得"
        "等保2.0三级备案证明。",
    ),
    indicators=[
        # 一级指标            二级指标              三级指标                        年度指标值  实际完成值  分值  得分  偏差原因
        ("产出指标\n(50分)",  "数量指标",           "政务外网漏扫完成次数",         "≥2",       "2",        "5",  "5",  "\u3000"),
        ("",                  "",                   "政务外网安全培训组织次数",     "≥1",       "1",        "5",  "5",  ""),
        ("",                  "",                   "政务外网攻防演练组织次数",     "≥1",       "1",        "5",  "5",  ""),
        ("",                  "",                   "政务外网渗透测试完成次数",     "≥4",       "4",        "5",  "5",  "\u3000"),
        ("",                  "",                   "政务外网安全监测月报完成次数", "12次",     "12",       "5",  "5",  "\u3000"),
        ("",                  "质量指标",           "应急响应事件良好处置率",       "≥95%",     "100%",     "5",  "5",  ""),
        ("",                  "时效指标",           "本年度等保测评完成情况",
         "完成等保测评，取得2.0三级备案证明", "取得等保2.0三级备案证明",                          "10", "10", "\u3000"),
        ("",                  "成本指标",           "签订合同金额",                 "≤270.91",  "268.305",  "10", "10", "\u3000"),
        ("效益指标\n（30分）", "社会效\n益指标",     "发生政务外网重大安全事件次数", "≤1次",     "0次",      "30", "30", "\u3000"),
        ("满意度\n指标\n（10分）", "服务对象满意度指标", "行政审批局满意度",         "≥90%",     "80%",      "10", "8",
         "部分安全事件处置时间仍有提升空间"),
    ],
    total=("100", "\u300098"),
    notes=(NOTE_ONE_TABLE,),
)

PROJECTS["电子政务网租赁"] = dict(
    name="株洲市电子政务网租赁" + W,
    department="株洲市行政审批服务局",
    unit="\u3000株洲市行政审批服务局",
    budget=[
        # 行                        年初预算数  全年预算数  全年执行数  分值      执行率    得分
        ("年度资金总额\u3000",       "239.8",    "239.8",    "214.78",   "10",     "89.56%", "9"),
        ("其中：当年财政拨款\u3000", "239.8",    "239.8",    "214.78",   "",       "",       ""),
        ("上年结转资金\u3000",       "",         "",         "",         "",       "",       ""),
        ("其他资金",                 "\u3000",   "\u3000",   "\u3000",   "\u3000", "\u3000", "\u3000"),
    ],
    goal=(
        "建设满足全市272家（400以内包干）市直单位的统一电子政务网络线路和6区4县政务外网备份线路，保障各单位基础政务"
        "网络顺畅，消除信息孤岛，实现安全保障下的信息交换和资源共享；电子政务网建成后做到全市市直单位统一互联网出口；"
        "为株洲市信息化建设和智慧城市整体建设提供基础网络服务，为“互联网+政务服务”提供基础网络资源。\u3000\u3000",
        "已满足全市市直政务外网申请单位和县市区政务网络接入，政务外网链路带宽提升至1G，互联网出口提升至2G，保障了"
        "市直单位和县市区政务外网骨干网络通畅，为株洲市信息化建设和智慧城市整体建设提供了基础网络服务和网络资源。",
    ),
    indicators=[
        # 一级指标            二级指标              三级指标                          年度指标值   实际完成值 分值  得分  偏差原因
        ("产出指标\n(50分)",  "数量指标",           "电子政务网线路数量",
         "政务外网线路272（400家内包干）", "272",                                                  "5",  "5",  ""),
        ("",                  "",                   "市政务外网县市区备份线路租赁数量", "10",        "10",      "5",  "5",  ""),
        ("",                  "质量指标",           "市政务外网链路带宽",             "1G",        "1G",      "10", "10", ""),
        ("",                  "",                   "市政务外网县市区备份线路链路带宽", "1G",        "1G",      "5",  "5",  ""),
        ("",                  "",                   "市政务外网互联网出口带宽",       "2G",        "2G",      "10", "10", ""),
        ("",                  "时效指标",           "申请单位年内接入完成率",         "100%",      "100%",    "5",  "5",  ""),
        ("",                  "成本指标",           "市政务外网线路租赁费用",         "≤220",      "195.7",   "5",  "5",  ""),
        ("",                  "",                   "县市区政务外网备份线路租赁费用", "≤19.8万元", "19.8",    "5",  "5",  ""),
        ("效益指标\n（30分）", "社会效\n益指标",     "市本级政务网通畅率",             "≥95%",      "100%",    "15", "15", ""),
        ("",                  "",                   "县市区政务网通畅率",             "≥90%",      "100%",    "15", "15", ""),
        ("满意度\n指标\n（10分）", "服务对象满意度指标", "市政务外网接入单位满意率",   "≥95%",      "90%",     "5",  "3",
         "部分单位部署在政务外网业务出现过中断情况。后续将细化风险处置流程，防止设备误报封禁正常IP"),
        ("",                  "",                   "县市区备份线路接入单位满意率",   "≥90%",      "90%",     "5",  "5",  ""),
    ],
    total=("100", "\u300097"),
    notes=(),
)

PROJECTS["市民中心大厅运转维护费"] = dict(
    name="市民中心大厅运转维护费" + W,
    department=W,
    unit=W,
    budget=[
        # 行                        年初预算数  全年预算数     全年执行数     分值        执行率        得分
        ("年度资金总额\u3000",       "\u300038", "\u300031.82", "\u300031.82", "\u300010", "\u3000100%", "\u300010"),
        ("其中：当年财政拨款\u3000", "\u300038", "\u300031.82", "\u300031.82", "\u300010", "100%",       "\u300010"),
        ("上年结转资金\u3000",       "\u3000",   "\u3000",      "\u3000",      "\u3000",   "\u3000",     "\u3000"),
        ("其他资金",                 "\u3000",   "\u3000",      "\u3000",      "\u3000",   "\u3000",     "\u3000"),
    ],
    goal=("市民中心集中统一办事大厅标准化、规范化建设工作。\u3000\u3000", "\u3000保障市民中心大厅的正常有序运行"),
    indicators=[
        # 一级指标                 二级指标              三级指标          年度指标值            实际完成值            分值       得分       偏差原因
        ("产出指标\n(50分)",       "数量指标",           "设备数量",       "\u3000724",          "\u3000724",          "\u300010", "10",      "\u3000"),
        ("",                       "",                   "大厅维护面积",   "\u30002.26万平方米", "\u30002.26万平方米", "\u300010", "10",      "\u3000"),
        ("",                       "",                   "",               "\u3000",             "\u3000",             "\u3000",   "",        "\u3000"),
        ("",                       "质量指标",           "大厅设备故障率", "\u3000",             "\u3000＜10%",        "\u300010", "8",       "\u3000"),
        ("",                       "时效指标",           "正常运行时间",   "\u3000全年",         "\u3000全年",         "\u300010", "8",       "\u3000"),
        ("",                       "成本指标",           "大厅耗材成本",   "\u300016920元",      "\u3000",             "\u30005",  "5",       "\u3000"),
        ("",                       "",                   "维修成本",       "\u300062330元",      "\u3000",             "\u30005",  "5",       "\u3000"),
        ("效益指标\n（30分）\n\u3000", "经济效\n益指标",  "",               "\u3000",             "\u3000",             "\u3000",   "\u3000",  "\u3000"),
        ("",                       "社会效\n益指标",     "设备运转率",     "\u300099%",          "\u3000",             "\u300015", "\u300014", "\u3000"),
        ("",                       "生态效\n益指标",     "",               "\u3000",             "\u3000",             "\u3000",   "\u3000",  "\u3000"),
        ("",                       "可持续影响指标",     "设备正常使用率", "提升\u3000",         "\u3000",             "\u300015", "\u300015", "\u3000"),
        ("满意度\n指标\n（10分）", "服务对象满意度指标", "办事人满意度",   "\u300095%",          "\u3000",             "\u300010", "\u3000",  "\u3000"),
    ],
    total=("100", "\u300097"),
    notes=(NOTE_ONE_TABLE, "填表人：        填报日期：           联系电话：        单位负责人签字"),
)

# 附件1-2 部门整体支出绩效自评表
DEPARTMENT_FORM = dict(
    department_label="市级预算部门名称",
    department="株洲市行政审批服务局" + W,
    budget_header=("年度预\n算申请\n（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"),
    # 行               年初预算数  全年预算数  全年执行数  分值  执行率  得分
    budget_total=("年度资金总额", "1878.11", "2252.43", "2252.43", "10", "100%", "10"),
    budget_split=[
        # 按收入性质分（左）                按支出性质分（右）
        ("按收入性质分：",                 "按支出性质分："),
        ("  其中：  一般公共预算：",       "其中：基本支出：958.07"),
        ("政府性基金拨款：",               "项目支出：1294.35"),
        ("纳入专户管理的非税收入拨款：",   ""),
        ("其他资金：",                     ""),
    ],
    goal=(
        "一、打造“一件事一次办”升级版\n二、持续提升行政效能\n三、深化“放管服”重点领域改革\n四、精准推进放权赋能\n"
        "五、提升网上政务服务能力\n六、加快推进数字政府建设\n七、持续优化营商环境\u3000\u3000",
        "\u3000（一）扎实开展“一件事一次办”升级版攻坚行动，推动个人、企业和项目全生命周期“一件事一次办”改革落地见效；"
        "（二）持续巩固提升事项“三化”工作成效，加强中介服务标准化建设，大力实施“告知承诺”“容缺办理”等措施，打造极简"
        "审批服务；（三）推动株洲高新区、渌口区、株洲经开区探索涉企行政审批“一照通”、相对集中行政许可权等改革试点，"
        "在全市园区持续推进“一企一群”项目服务做法，推进“拿地即开工”“竣工即交证”市域通办，打造“一件事一次办”园区版；"
        "（四）是深化政务服务大厅建设管理，推进“三集中三到位”改革，强化行政效能监察和“好差评”，进一步提升企业群众"
        "满意度；五是打造数据归集共享总枢纽，加快建立数据共享“三张清单”，结合现有应用需求开展数据攻坚，完善数据共享"
        "实施细则，加快推进全市的数据归集共享；六是发挥营商政务环境牵头抓总作用，加强与省局的对接，及时掌握指标评价"
        "细则，并进一步强化对县市区和市直部门通报考核，推动政务环境指标追赶超越，为全市营商环境优化提升提供有力的政务"
        "环境保障。",
    ),
    indicator_header=("绩\n效\n指\n标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                      "偏差原因分析及改进措施"),
    indicators=[
        # 一级指标                     二级指标              三级指标                             年度指标值        实际完成值                分值        得分       偏差原因
        ("产出指标\n(50分)",           "数量指标",           "服务面积",                          "2.26万平方",     "2.26万平方",             "10",       "9",       "\u3000"),
        ("",                           "",                   "政府采购执行率",                    "100%",           "99%",                    "10",       "9.9",     "\u3000零星采购未进政府采购目录"),
        ("",                           "质量指标",           "上级年度重点工作完成交办下达率",    "\u3000>99%",     "\u3000>99%",             "\u300010", "\u300010", "\u3000"),
        ("",                           "",                   "政务服务“好差评”全省排名",          "\u3000上升",     "\u3000长株潭地区第一",   "\u300010", "\u300010", "\u3000"),
        ("",                           "时效指标",           "工作按期完成率",                    "\u3000>99%",     "\u3000>99%",             "\u300010", "10",      "\u3000"),
        ("",                           "",                   "",                                  "\u3000",         "\u3000",                 "\u3000",   "\u3000",  "\u3000"),
        ("",                           "",                   "……",                                "\u3000",         "\u3000",                 "\u3000",   "\u3000",  "\u3000"),
        ("",                           "成本指标",           "",                                  "\u3000",         "\u3000",                 "\u3000",   "\u3000",  "\u3000"),
        ("",                           "",                   "",                                  "\u3000",         "\u3000",                 "\u3000",   "\u3000",  "\u3000"),
        ("",                           "",                   "……",                                "\u3000",         "\u3000",                 "\u3000",   "\u3000",  "\u3000"),
        ("效益指标\n（30分）\n\u3000", "经济效\n益指标",     "创新建立市本级项目年度计划节约政府性资金", "\u3000节约", "\u30002..23亿元",     "\u300010", "\u300010", "\u3000"),
        ("",                           "",                   "完成各类收费",                      "\u30001亿",      "\u30001.19亿元",         "\u300010", "\u300010", "\u3000"),
        ("",                           "",                   "办件数",                            "100万件",        "\u3000121.4808万件",     "\u300010", "\u300010", "\u3000"),
        ("",                           "生态效\n益指标",     "",                                  "\u3000",         "\u3000",                 "\u3000",   "",        "\u3000"),
        ("",                           "",                   "",                                  "\u3000",         "\u3000",                 "\u3000",   "\u3000",  "\u3000"),
        ("",                           "",                   "……",                                "\u3000",         "\u3000",                 "\u3000",   "\u3000",  "\u3000"),
        ("",                           "可持续影响指标",     "",                                  "\u3000",         "\u3000",                 "\u3000",   "\u3000",  "\u3000"),
        ("",                           "",                   "",                                  "\u3000",         "\u3000",                 "\u3000",   "\u3000",  "\u3000"),
        ("",                           "",                   "……",                                "\u3000",         "\u3000",                 "\u3000",   "\u3000",  "\u3000"),
        ("满意度\n指标\n（10分）",     "服务对象满意度指标", "市民办事满意度",                    "\u300099%",      "\u300098%",              "\u300010", "\u30009.8", "\u3000"),
    ],
    total=("100", "\u300098.7"),
)

# 附件1-1 部门整体支出绩效评价基础数据表: rows of 4 cells (label + 3 columns), 7 cells (楼堂馆所) or 2 cells.
BASIC_DATA_TITLE = "2022年度部门整体支出绩效评价基础数据表"
BASIC_DATA = [
    ("财政供养人员情况（人）",             "编制数",          "2022年实际在职人数", "控制率"),
    ("",                                   "\u300043",        "42\u3000",           "\u300098%"),
    ("经费控制情况（万元）",               "2021年决算数",    "2022年预算数",       "2022年决算数"),
    ("三公经费",                           "13.42\u3000",     "\u300011.26",        "11.26\u3000"),
    ("   1、公务用车购置和维护经费",       "11.44\u3000",     "10.23",              "\u300010.23"),
    ("       其中：公车购置",              "0\u3000",         "\u30000",            "\u30000"),
    ("             公车运行维护",          "11.44\u3000",     "10.23\u3000",        "\u300010.23"),
    ("   2、出国经费",                     "0\u3000",         "\u30000",            "\u30000"),
    ("   3、公务接待",                     "1.98\u3000",      "\u30001.03",         "\u30001.03"),
    ("项目支出：",                         "776.09\u3000",    "\u30001645.68",      "\u30001645.68"),
    ("    1、业务工作经费",                "0",               "351.33",             "351.33"),
    ("    2、运行维护经费",                "\u30000",         "0\u3000",            "\u30000"),
    ("……",                                 "",                "",                   ""),
    ("3、市级专项资金（一个专项一行）",    "776.09\u3000",    "1294.35\u3000",      "1294.35\u3000"),
    ("电子政务网租赁",                     "239.8",           "214.7833",           "214.7833"),
    ("一件事一次办",                       "140",             "22",                 "22"),
    ("窗口补贴",                           "160",             "65.61",              "65.61"),
    ("数字化专班",                         "34.55",           "64.5419",            "64.5419"),
    ("市民中心大厅运转经费",               "",                "31.8174",            "31.8174"),
    ("项目技术审查会相关经费",             "",                "62.725",             "62.725"),
    ("邮政快递",                           "",                "146.0591",           "146.0591"),
    ("信创产品全面替代工程专项经费",       "",                "83.51",              "83.51"),
    ("电子政务网络安全服务",               "",                "240",                "240"),
    ("",                                   "",                "",                   ""),
    ("公用经费",                           "619.86",          "562.47",             "\u3000562.47"),
    ("    其中：办公经费",                 "417.88",          "346.67",             "346.67"),
    ("          水费、电费、差旅费",       "\u3000200.6",     "209.12",             "209.12"),
    ("          会议费、培训费",           "\u30001.38",      "6.68\u3000",         "6.68\u3000"),
    ("政府采购金额",                       "——",              "\u3000928.95",       "\u3000928.95"),
    ("部门基本支出预算调整 ",              "——",              "\u3000958.08",       "958.08\u3000"),
    ("楼堂馆所控制情况\n（2022年完工项目）", "批复规模\n（㎡）", "实际规模（㎡）", "规模控制率", "预算投资（万元）",
     "实际投资（万元）", "投资概算控制率"),
    ("",                                   "0\u3000", "\u30000", "\u30000", "\u30000", "\u30000", "\u30000"),
    ("厉行节约保障措施",                   "冬季连续一周低于15度，夏季连续一周高于25度才能开启空调\u3000"),
]
BASIC_DATA_NOTE = "说明：“项目支出”需要填报基本支出以外的所有项目支出情况，“公用经费”填报基本支出中的一般商品和服务支出。"

# =====================================================================================
# LAYOUT — how each sheet is laid out
# =====================================================================================


@dataclass(frozen=True)
class Layout:
    """How one 附件1-3 form is put on its sheet (the clerk's habits)."""
    annex_line: bool = False       # a "附件1-3" line above everything
    title: bool = True             # merged "2022年度项目支出绩效自评表" row
    name_label: str = "项目支\n出名称"  # or "项目名称"
    header: str = "seed"           # "seed": name row + (主管部门|x|实施单位|y) row; "one_row"; "three_rows"
    labels: str = "seed"           # "seed": labels as in Word; "nobreak": no line breaks / full-width
                                   # spaces; "bare": also without the (50分) weights
    merged: bool = True            # 一级/二级/vertical labels merged down, or written once and blank below
    blank_rows: bool = False       # an empty row between blocks
    first_col: int = 1             # 2 = the table starts in column B
    money: str = "number"          # "number": plain figures become numbers; "unit": text + 万元; "seed": as typed
    rate: str = "text"             # "text": 执行率 as typed; "number": a fraction with a 0.00% format
    strip_numbers: bool = True     # "\u300010" becomes 10 (number cells); False: only bare figures do
    numeric_values: bool = False   # bare figures in 年度指标值 / 实际完成值 become numbers
    notes: bool = False            # the 备注 / 填表人 lines under the table


UNITS: dict[str, list[tuple[str, Layout]]] = {
    "局机关": [
        ("一件事一次办改革经费", Layout(annex_line=True, rate="number", notes=True)),
        ("快递服务经费", Layout(title=False, name_label="项目名称", header="one_row", labels="nobreak",
                               merged=False)),
        ("网络安全设备和安全服务", Layout(header="three_rows", rate="number", numeric_values=True, notes=True)),
        ("电子政务网租赁", Layout(title=False, name_label="项目名称", merged=False, blank_rows=True,
                                 rate="number", numeric_values=True)),
    ],
    "数据资源中心": [
        ("信创工程项目", Layout(annex_line=True, money="seed", strip_numbers=False)),
        ("项目技术审查会相关费用", Layout(title=False, name_label="项目名称", header="three_rows", labels="bare",
                                         merged=False, first_col=2, rate="number", notes=True)),
    ],
    "政务服务中心": [
        ("窗口补贴", Layout(name_label="项目名称", header="one_row", money="unit", strip_numbers=False)),
        ("市民中心大厅运转维护费", Layout(annex_line=True, merged=False, notes=True)),
    ],
}

PROJECT_TITLE = "2022年度项目支出绩效自评表"
DEPARTMENT_TITLE = "2022年度部门整体支出绩效自评表"
DEPARTMENT_BOOK = ("department", "部门整体支出.xlsx")

# Column widths of the nine form columns (vertical label, 一级, 二级, 三级, 指标值, 完成值, 分值, 得分, 偏差).
FORM_WIDTHS = (7, 13, 13, 26, 17, 17, 7.5, 7.5, 24)
BASIC_WIDTHS = (34, 10, 10, 10, 10, 10, 12)
FONT = "宋体"
FIXED_TIME = datetime(2023, 4, 25, 9, 0, 0)

THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
PLAIN = Alignment(horizontal="left", vertical="center")
NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?$")
PERCENT_RE = re.compile(r"^(-?\d+(?:\.(\d+))?)%$")


def number_or_text(text: str, strip: bool) -> Any:
    """A seed string as a clerk's cell: a bare figure becomes a number (with `strip`,
    also one padded with spaces or full-width spaces); anything else stays text;
    '' is an empty cell."""
    if text == "":
        return None
    candidate = text.strip(" " + W) if strip else text
    if NUMBER_RE.match(candidate):
        return int(candidate) if "." not in candidate else float(candidate)
    return text


def rate_cell(text: str, layout: Layout) -> tuple[Any, Optional[str]]:
    """执行率: typed text, or the stated percentage as a fraction formatted at the
    stated precision (99.86% -> 0.9986 shown 0.00%)."""
    if layout.rate == "number":
        m = PERCENT_RE.match(text.strip(" " + W))
        if m:
            decimals = len(m.group(2) or "")
            fmt = "0%" if decimals == 0 else "0." + "0" * decimals + "%"
            return float(Decimal(m.group(1)) / 100), fmt
    return (None if text == "" else text), None


def money_cell(text: str, layout: Layout) -> Any:
    if layout.money == "unit":
        return text + "万元" if text.strip(" " + W) else (text or None)
    if layout.money == "seed":
        return text or None
    return number_or_text(text, layout.strip_numbers)


def label(text: str, layout: Layout) -> str:
    """A label cell in the layout's style ("seed" keeps line breaks and full-width spaces)."""
    if layout.labels == "seed":
        return text
    out = text.replace("\n", "").strip(W + " ")
    if layout.labels == "bare":
        out = re.sub(r"[（(]\d+分[)）]", "", out)
    return out


def text_units(text: str) -> float:
    """Rough display width of one line of text, in Excel column-width units."""
    return sum(1.7 if ord(ch) > 0x2E80 else 1.0 for ch in text)


def lines_needed(text: Any, width: float) -> int:
    if text is None:
        return 1
    usable = max(width - 0.8, 2.0)
    return sum(max(1, math.ceil(text_units(part) / usable)) for part in str(text).split("\n"))


class Sheet:
    """A thin writer over one worksheet: cells, merges, borders, row heights."""

    def __init__(self, ws: Worksheet, widths: tuple[float, ...], first_col: int = 1, font_size: float = 10):
        self.ws = ws
        self.first_col = first_col
        self.widths = widths
        self.font = Font(name=FONT, size=font_size)
        self.row = 1
        self.heights: dict[int, float] = {}
        for i, width in enumerate(widths):
            ws.column_dimensions[col_letter(first_col + i)].width = width
        if first_col > 1:
            for c in range(1, first_col):
                ws.column_dimensions[col_letter(c)].width = 3

    def col(self, i: int) -> int:
        """Sheet column of form column i (0 = the vertical label column)."""
        return self.first_col + i

    def put(self, row: int, i: int, value: Any, *, span: int = 1, down: int = 1, align: Alignment = CENTER,
            fmt: Optional[str] = None, border: bool = True, font: Optional[Font] = None) -> None:
        """Write value at form column i of row, merged over `span` columns and `down` rows."""
        c = self.col(i)
        cell = self.ws.cell(row=row, column=c)
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # clerk text is never a formula
        cell.font = font or self.font
        cell.alignment = align
        if fmt:
            cell.number_format = fmt
        if span > 1 or down > 1:
            self.ws.merge_cells(start_row=row, start_column=c, end_row=row + down - 1, end_column=c + span - 1)
        for r in range(row, row + down):
            for cc in range(c, c + span):
                target = self.ws.cell(row=r, column=cc)
                if border:
                    target.border = BORDER
                if (r, cc) != (row, c):
                    target.alignment = align
        if down == 1 and border:
            width = sum(self.widths[i:i + span])
            height = lines_needed(value, width) * 13.5 + 6
            self.heights[row] = max(self.heights.get(row, 20.0), height)

    def text_line(self, text: str, *, size: float = 10, bold: bool = False, span: int = 0,
                  align: Alignment = PLAIN, height: float = 20) -> None:
        """A line outside the table (附件 line, title, 备注), merged over `span` columns if given."""
        font = Font(name=FONT, size=size, bold=bold)
        self.put(self.row, 0, text, span=span or 1, align=align, border=False, font=font)
        self.heights[self.row] = max(height, self.heights.get(self.row, 0))
        self.row += 1

    def finish(self, landscape: bool = True) -> None:
        for r, h in self.heights.items():
            self.ws.row_dimensions[r].height = round(h, 1)
        ws = self.ws
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6


def write_project(ws: Worksheet, data: dict[str, Any], layout: Layout) -> None:
    """One 附件1-3 项目支出绩效自评表 on one sheet."""
    s = Sheet(ws, FORM_WIDTHS, layout.first_col)
    if layout.annex_line:
        s.text_line("附件1-3", size=12, bold=True)
    if layout.title:
        s.text_line(PROJECT_TITLE, size=16, bold=True, span=9, align=CENTER, height=32)

    def gap() -> None:
        if layout.blank_rows:
            s.row += 1

    # -- header: 项目名称, 主管部门, 实施单位
    r = s.row
    name_label = label(layout.name_label, layout)
    if layout.header == "one_row":
        s.put(r, 0, name_label)
        s.put(r, 1, data["name"], span=2)
        s.put(r, 3, "主管部门")
        s.put(r, 4, data["department"], span=2)
        s.put(r, 6, "实施单位", span=2)
        s.put(r, 8, data["unit"])
        s.row += 1
    elif layout.header == "three_rows":
        for text, value in ((name_label, data["name"]), ("主管部门", data["department"]),
                            ("实施单位", data["unit"])):
            s.put(s.row, 0, text)
            s.put(s.row, 1, value, span=8)
            s.row += 1
    else:  # seed: name on its own row, then 主管部门 | x | 实施单位 | y
        s.put(r, 0, name_label)
        s.put(r, 1, data["name"], span=8)
        s.put(r + 1, 0, "主管部门")
        s.put(r + 1, 1, data["department"], span=3)
        s.put(r + 1, 4, "实施单位")
        s.put(r + 1, 5, data["unit"], span=4)
        s.row += 2
    gap()

    # -- 项目资金（万元）
    r = s.row
    s.put(r, 0, label(BUDGET_HEADER[0], layout), down=5 if layout.merged else 1)
    s.put(r, 1, label(BUDGET_HEADER[1], layout) if layout.labels == "seed" else None, span=2)
    for i, text in enumerate(BUDGET_HEADER[2:]):
        s.put(r, 3 + i, label(text, layout))
    for k, row in enumerate(data["budget"]):
        rr = r + 1 + k
        if not layout.merged:
            s.put(rr, 0, None)
        s.put(rr, 1, label(row[0], layout), span=2)
        for i in range(3):
            s.put(rr, 3 + i, money_cell(row[1 + i], layout))
        s.put(rr, 6, number_or_text(row[4], layout.strip_numbers))
        value, fmt = rate_cell(row[5], layout)
        s.put(rr, 7, value, fmt=fmt)
        s.put(rr, 8, number_or_text(row[6], layout.strip_numbers))
    s.row = r + 5
    gap()

    # -- 年度总体目标
    r = s.row
    s.put(r, 0, label(GOAL_HEADER[0], layout), down=2 if layout.merged else 1)
    s.put(r, 1, label(GOAL_HEADER[1], layout), span=4)
    s.put(r, 5, label(GOAL_HEADER[2], layout), span=4)
    if not layout.merged:
        s.put(r + 1, 0, None)
    s.put(r + 1, 1, data["goal"][0], span=4, align=LEFT)
    s.put(r + 1, 5, data["goal"][1], span=4, align=LEFT)
    s.row = r + 2
    gap()

    # -- 绩效指标
    write_indicators(s, INDICATOR_HEADER, data["indicators"], layout)
    gap()

    # -- 总分
    write_total(s, data["total"], layout.strip_numbers)
    if layout.notes:
        for note in data["notes"]:
            s.text_line(note, span=9)
    s.finish()


def write_indicators(s: Sheet, header: tuple[str, ...], rows: list[tuple[Optional[str], ...]],
                     layout: Layout) -> None:
    r = s.row
    n = len(rows)
    s.put(r, 0, label(header[0], layout), down=n + 1 if layout.merged else 1)
    for i, text in enumerate(header[1:]):
        s.put(r, 1 + i, label(text, layout))
    for k, row in enumerate(rows):
        rr = r + 1 + k
        if not layout.merged:
            s.put(rr, 0, None)
        for i, text in enumerate(row):
            if i in (0, 1):
                if not layout.merged or text is None or text:
                    down = group_length(rows, k, i) if layout.merged else 1
                    s.put(rr, 1 + i, label(text, layout) if text else None, down=down)
                continue
            if i in (3, 4):
                value = number_or_text(text, True) if layout.numeric_values else (text or None)
                s.put(rr, 1 + i, value)
            elif i in (5, 6):
                s.put(rr, 1 + i, number_or_text(text, layout.strip_numbers))
            else:
                s.put(rr, 1 + i, text or None, align=LEFT if len(text) > 8 else CENTER)
    s.row = r + 1 + n


def group_length(rows: list[tuple[Optional[str], ...]], k: int, i: int) -> int:
    """How many rows the 一级 (i=0) or 二级 (i=1) label starting at row k covers:
    until the next label (or None block start) in that column, or (for 二级) the next 一级."""
    length = 1
    for row in rows[k + 1:]:
        if row[i] or row[i] is None or (i == 1 and (row[0] or row[0] is None)):
            break
        length += 1
    return length


def write_total(s: Sheet, total: tuple[str, str], strip: bool) -> None:
    r = s.row
    s.put(r, 0, TOTAL_LABEL, span=6)
    s.put(r, 6, number_or_text(total[0], strip))
    s.put(r, 7, number_or_text(total[1], strip))
    s.put(r, 8, W)
    s.row += 1


def write_department_form(ws: Worksheet) -> None:
    """附件1-2 部门整体支出绩效自评表, laid out like the Word table (merged labels)."""
    d = DEPARTMENT_FORM
    layout = Layout(strip_numbers=False)
    s = Sheet(ws, FORM_WIDTHS)
    s.text_line("附件1-2", size=12, bold=True)
    s.text_line(DEPARTMENT_TITLE, size=16, bold=True, span=9, align=CENTER, height=32)
    r = s.row
    s.put(r, 0, d["department_label"], span=2)
    s.put(r, 2, d["department"], span=7, align=LEFT)
    r += 1
    s.put(r, 0, d["budget_header"][0], down=2 + len(d["budget_split"]))
    s.put(r, 1, d["budget_header"][1] or None, span=2)
    for i, text in enumerate(d["budget_header"][2:]):
        s.put(r, 3 + i, text)
    r += 1
    row = d["budget_total"]
    s.put(r, 1, row[0], span=2)
    for i in range(5):
        s.put(r, 3 + i, number_or_text(row[1 + i], False))
    s.put(r, 8, number_or_text(row[6], False))
    for left, right in d["budget_split"]:
        r += 1
        s.put(r, 1, left or None, span=4, align=LEFT)
        s.put(r, 5, right or None, span=4, align=LEFT)
    r += 1
    s.put(r, 0, GOAL_HEADER[0], down=2)
    s.put(r, 1, GOAL_HEADER[1], span=4)
    s.put(r, 5, GOAL_HEADER[2], span=4)
    s.put(r + 1, 1, d["goal"][0], span=4, align=LEFT)
    s.put(r + 1, 5, d["goal"][1], span=4, align=LEFT)
    s.row = r + 2
    write_indicators(s, d["indicator_header"], d["indicators"], layout)
    write_total(s, d["total"], False)
    s.finish()


def write_basic_data(ws: Worksheet) -> None:
    """附件1-1 基础数据表: label column plus three (or six) value columns, as the seed types them."""
    s = Sheet(ws, BASIC_WIDTHS)
    s.text_line("附件1-1", size=12, bold=True)
    s.text_line(BASIC_DATA_TITLE, size=16, bold=True, span=7, align=CENTER, height=32)
    for row in BASIC_DATA:
        r = s.row
        cells = [number_or_text(text, False) for text in row]
        s.put(r, 0, cells[0], align=LEFT if (row[0] and not row[0].startswith(("财政", "经费", "楼堂"))) else CENTER)
        if len(row) == 4:
            for k in range(3):
                s.put(r, 1 + 2 * k, cells[1 + k], span=2)
        elif len(row) == 7:
            for k in range(6):
                s.put(r, 1 + k, cells[1 + k])
        else:
            s.put(r, 1, cells[1], span=6, align=LEFT)
        s.row += 1
    s.text_line(BASIC_DATA_NOTE, span=7, height=30, align=LEFT)
    s.finish(landscape=False)


# =====================================================================================
# Output
# =====================================================================================


def new_book() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "xltools examples"
    wb.properties.lastModifiedBy = "xltools examples"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def save(wb: Workbook, path: Path) -> Path:
    with atomic_write(path, keep_backup=False) as tmp:
        wb.save(tmp)
    path.chmod(0o644)  # atomic_write's temporary file is private (0600); these files are shared
    return path


def build(out_dir: Path | str | None = None) -> list[Path]:
    """Write every example workbook under out_dir (default: this folder); return the paths."""
    out = Path(out_dir) if out_dir is not None else Path(__file__).resolve().parent
    written = []
    for unit, sheets in UNITS.items():
        wb = new_book()
        for sheet_name, layout in sheets:
            write_project(wb.create_sheet(sheet_name), PROJECTS[sheet_name], layout)
        written.append(save(wb, out / "submissions" / f"{unit}.xlsx"))
    wb = new_book()
    write_basic_data(wb.create_sheet("基础数据表"))
    write_department_form(wb.create_sheet("部门整体支出绩效自评表"))
    written.append(save(wb, out / DEPARTMENT_BOOK[0] / DEPARTMENT_BOOK[1]))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成示例工作簿（种子 001，株洲市行政审批服务局 2022 年度自评表）")
    parser.add_argument("--out", help="输出目录（默认 examples/）")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(f"已生成：{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

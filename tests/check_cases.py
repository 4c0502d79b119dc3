"""The boundary tables of test_check_rules.py, shared with test_issue_codes.py (a
test module must not import another: mutmut re-runs pytest in one process).  Not a
test module.  Each case: (why, changes to the base form of form_cases.py, every
issue expected as (code, severity, cell, field, value, message))."""
from __future__ import annotations

LABEL13 = "指标“政务外网漏扫完成次数”"
LABEL19 = "指标“本年度等保测评完成情况”"
LABEL22 = "指标“行政审批局满意度”"
REACHED19 = "定性：达成档（分值的 80%–100%，即 8–10 分）"
# 电子政务网租赁's money (seed 001): 214.78 ÷ 239.8 = 89.566 %; inputs written to 0.01 万元
# allow 89.5623–89.5703 %, so a rate stated to 0.01 % agrees when it is 89.56 % or 89.57 %.
LEASE = {"E6": 239.8, "F6": 214.78, "I6": 9, "H23": 97}
RATE_MSG = "执行率填 {}，按 全年执行数÷全年预算数 = 214.78÷239.8 应为 89.57%"
# A budget under 1 万元 (a small meeting fund): 0.72 ÷ 0.8 = 90 %, inputs to 0.01 万元 allow 88.8–91.2 %.
SMALL = {"D6": 0.5, "E6": 0.8, "F6": 0.72, "I6": 9, "H23": 97}

# why                                   changes                                   expected issues
CASES = [
    # -- rate_mismatch: the agreement window, both edges ----------------------------------
    ("89.55 % is below the window",       {**LEASE, "H6": 0.8955},
     [("rate_mismatch", "warning", "H6", "年度资金总额.执行率", 0.8955, RATE_MSG.format("89.55%"))]),
    ("89.56 % is its lower edge",         {**LEASE, "H6": 0.8956},              []),
    ("89.57 % is its upper edge",         {**LEASE, "H6": 0.8957},              []),
    ("89.58 % is above it",               {**LEASE, "H6": 0.8958},
     [("rate_mismatch", "warning", "H6", "年度资金总额.执行率", 0.8958, RATE_MSG.format("89.58%"))]),
    ("89.6% typed as text, one decimal",  {**LEASE, "H6": "89.6%"},             []),
    ("89.5% typed as text is not 89.57",  {**LEASE, "H6": "89.5%"},
     [("rate_mismatch", "warning", "H6", "年度资金总额.执行率", "89.5%", RATE_MSG.format("89.5%"))]),
    ("budget under 1 万元, 90 %",          {**SMALL, "H6": 0.9},                 []),
    ("under 1 万元, 89 % is in the window", {**SMALL, "H6": 0.89},               []),
    ("under 1 万元, 88 % is not",           {**SMALL, "H6": 0.88},
     [("rate_mismatch", "warning", "H6", "年度资金总额.执行率", 0.88,
       "执行率填 88%，按 全年执行数÷全年预算数 = 0.72÷0.8 应为 90%")]),
    ("under 1 万元, 91.2 % tops the window", {**SMALL, "H6": 0.912},              []),
    ("under 1 万元, 91.3 % is above it",   {**SMALL, "H6": 0.913},
     [("rate_mismatch", "warning", "H6", "年度资金总额.执行率", 0.913,
       "执行率填 91.3%，按 全年执行数÷全年预算数 = 0.72÷0.8 应为 90%")]),
    ("under 1 万元, 8.9 is in 8.88–9.12",  {**SMALL, "H6": 0.9, "I6": 8.9, "H23": 96.9}, []),
    ("nothing budgeted, 5 万元 spent",      {"E6": 0, "F6": 5, "H6": None, "I6": None, "H23": 88},
     [("rate_mismatch", "warning", "E6", "年度资金总额.全年预算数", 0,
       "全年预算数为 0，全年执行数却是 5，无法计算执行率")]),
    # -- budget_score_mismatch --------------------------------------------------------------
    ("90 % gives 9",                      {"F6": 216, "H6": 0.9, "I6": 9, "H23": 97}, []),
    ("9.1 is not 9",                      {"F6": 216, "H6": 0.9, "I6": 9.1, "H23": 97.1},
     [("budget_score_mismatch", "warning", "I6", "年度资金总额.得分", 9.1,
       "预算执行得分填 9.1，按规则 分值×min(执行率,100%) = 10×90% = 9")]),
    ("9.5 written as 10 is rounding",     {"F6": 228, "H6": 0.95, "I6": 10},    []),
    ("9.4958 written as 10 is not",       {"F6": 227.9, "H6": 0.9496, "I6": 10},
     [("budget_score_mismatch", "warning", "I6", "年度资金总额.得分", 10,
       "预算执行得分填 10，按规则 分值×min(执行率,100%) = 10×94.96% = 9.4958")]),
    # -- score_over_weight -------------------------------------------------------------------
    ("5 of 5",                            {"H13": 5},                            []),
    ("5.01 of 5",                         {"H13": 5.01, "H23": 98.01},
     [("score_over_weight", "error", "H13", f"{LABEL13}.得分", 5.01, f"{LABEL13}得分 5.01 超过分值 5")]),
    ("budget 10.01 of 10",                {"I6": 10.01, "H23": 98.01},
     [("score_over_weight", "error", "I6", "年度资金总额.得分", 10.01, "预算执行得分 10.01 超过分值 10")]),
    ("a deduction typed as the score, -5", {"H13": -5, "H23": 88},
     [("score_over_weight", "error", "H13", f"{LABEL13}.得分", -5, f"{LABEL13}得分 -5 小于 0")]),
    ("budget score typed as -1",          {"I6": -1, "H23": 87},
     [("budget_score_mismatch", "warning", "I6", "年度资金总额.得分", -1,
       "预算执行得分填 -1，按规则 分值×min(执行率,100%) = 10×100% = 10"),
      ("score_over_weight", "error", "I6", "年度资金总额.得分", -1, "预算执行得分 -1 小于 0")]),
    ("全年预算数 typed as -240",          {"E6": -240},
     [("negative_amount", "error", "E6", "年度资金总额.全年预算数", -240, "年度资金总额的“全年预算数”不能为负数：-240"),
      ("rate_mismatch", "warning", "E6", "年度资金总额.全年预算数", -240,
       "全年预算数为 -240，全年执行数却是 240，无法计算执行率")]),
    # -- deduction_without_reason ---------------------------------------------------------------
    ("4.99 of 5, no reason",              {"H13": 4.99, "H23": 97.99},
     [("deduction_without_reason", "warning", "I13", f"{LABEL13}.偏差原因", "\u3000",
       f"{LABEL13}得分 4.99 低于分值 5，但“偏差原因分析及改进措施”未填写；且按规则该指标已达到目标")]),
    ("4.99 of 5 with a reason",           {"H13": 4.99, "I13": "少扫描一次", "H23": 97.99}, []),
    # -- total_mismatch (entered 97.5) -------------------------------------------------------
    ("97.5 stated as 98 is rounding",     {"H13": 4.5, "I13": "少扫描一次", "H23": 98}, []),
    ("97.5 stated as 97 is not",          {"H13": 4.5, "I13": "少扫描一次", "H23": 97},
     [("total_mismatch", "error", "H23", "总分.得分", 97, "总分填 97，但已填各项得分合计为 97.5")]),
    ("97.5 stated as 97.4",               {"H13": 4.5, "I13": "少扫描一次", "H23": 97.4},
     [("total_mismatch", "error", "H23", "总分.得分", 97.4, "总分填 97.4，但已填各项得分合计为 97.5")]),
    ("a total to five decimals shows four", {"H23": 97.12345},
     [("total_mismatch", "error", "H23", "总分.得分", 97.12345, "总分填 97.1235，但已填各项得分合计为 98")]),
    # -- indicator_score_above_rule (满意度 ≥90 %, actual 80 %: rule 10 × 0.8/0.9 = 8.89) ---------
    ("8.9 is 8.89 at one decimal",        {"H22": 8.9, "H23": 98.9},            []),
    ("8.95 is above 8.89",                {"H22": 8.95, "H23": 98.95},
     [("indicator_score_above_rule", "warning", "H22", f"{LABEL22}.得分", 8.95,
       f"{LABEL22}自评 8.95 分，高于规则计分 8.89 分（定量正向（越大越好）：未达目标，分值×实际/目标 = 8.89）")]),
    ("full marks, 8.89 by rule",          {"H22": 10, "H23": 100},
     [("indicator_score_above_rule", "warning", "H22", f"{LABEL22}.得分", 10,
       f"{LABEL22}自评 10 分，高于规则计分 8.89 分（定量正向（越大越好）：未达目标，分值×实际/目标 = 8.89）")]),
    # -- qualitative_score_out_of_tier (等保 reached: 8–10) -----------------------------------
    ("8 is the tier's floor",             {"H19": 8, "I19": "备案证明推迟下发", "H23": 96}, []),
    ("7.99 is below it",                  {"H19": 7.99, "I19": "备案证明推迟下发", "H23": 95.99},
     [("qualitative_score_out_of_tier", "info", "H19", f"{LABEL19}.得分", 7.99,
       f"{LABEL19}自评 7.99 分，不在{REACHED19}内，请核实")]),
    ("按期完成，无延期 is reached (issue 14)", {"E19": "按期完成", "F19": "按期完成，无延期"}, []),
    ("延期完成: not reached, 6 is its top", {"E19": "按期完成", "F19": "延期完成", "H19": 6,
                                          "I19": "设备到货延期", "H23": 94}, []),
    ("延期完成 scored 6.01",                {"E19": "按期完成", "F19": "延期完成", "H19": 6.01,
                                          "I19": "设备到货延期", "H23": 94.01},
     [("qualitative_score_out_of_tier", "info", "H19", f"{LABEL19}.得分", 6.01,
       f"{LABEL19}自评 6.01 分，不在定性：未达成档（分值的 0%–60%，即 0–6 分）内，请核实")]),
    # -- grade_mismatch ----------------------------------------------------------------------
    ("98 is 优",                           {"A25": "评价等次", "B25": "优"},      []),
    ("98 stated 良",                       {"A25": "评价等次", "B25": "良"},
     [("grade_mismatch", "warning", "B25", "评价等次", "良", "评价等次填“良”，总分 98 对应“优”")]),
    ("90 is 优",                           {"H21": 22, "I21": "发生一起一般事件", "H23": 90,
                                           "A25": "评价等次", "B25": "优"}, []),
    ("89.99 is not 优",                    {"H21": 21.99, "I21": "发生一起一般事件", "H23": 89.99,
                                           "A25": "评价等次", "B25": "优"},
     [("grade_mismatch", "warning", "B25", "评价等次", "优", "评价等次填“优”，总分 89.99 对应“良”")]),
    # -- weight_total and level_weight_mismatch -------------------------------------------------
    ("满意度 10.01: 100.01 in all",        {"G22": 10.01},
     [("weight_total", "error", "G23", "分值合计", 100.01,
       "分值合计为 100.01（预算执行率 10 + 产出指标 50 + 效益指标 30 + 满意度指标 10.01），应为 100"),
      ("level_weight_mismatch", "warning", "B22", "满意度指标.分值", "满意度\n指标\n（10分）",
       "“满意度指标”标注 10 分，其下指标分值合计 10.01")]),
    # -- negative_amount -----------------------------------------------------------------------
    ("年初 0 is allowed",                  {"D6": 0},                             []),
    ("年初 -100",                          {"D6": -100},
     [("negative_amount", "error", "D6", "年度资金总额.年初预算数", -100,
       "年度资金总额的“年初预算数”不能为负数：-100")]),
    # -- unit_converted on an indicator (info) and money in the budget block (warning) ----------
    ("合同金额 typed in 元",                {"F20": "2683050元"},
     [("unit_converted", "info", "F20", "指标“签订合同金额”.实际完成值", "2683050元",
       "“2683050元”按 268.305 万元读取（原单位：元）")]),
    ("budget typed in 元",                 {"E6": "2400000元", "F6": "2400000元"},
     [("unit_converted", "warning", "E6", "项目资金", "2400000元",
       "项目资金应以万元填写，2 个金额带其他单位，已换算为万元：E6 2400000元→240、F6 2400000元→240")]),
    # -- value_unreadable ----------------------------------------------------------------------
    ("0..1次",                             {"F21": "0..1次"},
     [("value_unreadable", "warning", "F21", "指标“发生政务外网重大安全事件次数”.实际完成值", "0..1次",
       "无法识别“0..1次”：“0..1次”像数字但无法识别，请改为数字或规范写法")]),
    # -- levels ----------------------------------------------------------------------------------
    ("数量指标 under 效益指标",              {"C21": "数量指标"},
     [("level_mismatch", "error", "C21", "指标“发生政务外网重大安全事件次数”.二级指标", "数量指标",
       "二级指标“数量指标”不属于一级指标“效益指标”，应归入“产出指标”"),
      ("level_weight_mismatch", "warning", "B13", "产出指标.分值", "产出指标\n(50分)",
       "“产出指标”标注 50 分，其下指标分值合计 80"),
      ("level_weight_mismatch", "warning", "B21", "效益指标.分值", "效益指标\n（30分）",
       "“效益指标”标注 30 分，其下指标分值合计 0")]),
    ("社会影响指标 is no 二级",               {"C21": "社会影响指标"},
     [("unknown_level", "warning", "C21", "指标“发生政务外网重大安全事件次数”.二级指标", "社会影响指标",
       "二级指标“社会影响指标”不是规定的二级指标（数量指标、质量指标、时效指标、成本指标、经济效益指标、"
       "社会效益指标、生态效益指标、可持续影响指标、服务对象满意度指标）")]),
    # -- formula_error: a cached #REF! where the money should be (a formula pointing at a deleted sheet) --
    ("执行数 shows #REF!",                  {"F6": "#REF!"},
     [("formula_error", "error", "F6", "年度资金总额.全年执行数", "#REF!",
       "单元格显示公式错误“#REF!”（公式引用或计算出错），请改正公式或改填数值")]),
    # -- budget_total_zero: 0 / 0 / 0 on 年度资金总额, the money on 其中：当年财政拨款 (DOMAIN §8) --
    ("年度资金总额 all 0",                   {"D6": 0, "E6": 0, "F6": 0, "D7": 120, "E7": 120, "F7": 119.5},
     [("budget_total_zero", "warning", "F6", "年度资金总额", None,
       "“年度资金总额”一行的金额为 0（或空），资金填在其中“当年财政拨款”一行；已按其中各行读取，"
       "请把合计填入年度资金总额")]),
    # -- rate_basis: no 全年预算数 column (forms with only 预算数(A)): the rate is over 年初 --------
    ("no 全年预算数 column",                 {"E5": None, **{f"E{r}": None for r in range(6, 10)}},
     [("rate_basis", "info", "D5", "执行率", None,
       "表中没有“全年预算数/调整后预算数”一栏，执行率按“年初预算数”一栏计算"),
      ("rate_mismatch", "warning", "H6", "年度资金总额.执行率", 1.0,
       "执行率填 100%，按 全年执行数÷全年预算数 = 240÷100 应为 240%")]),
    # -- missing_label: an older layout with no 分值 column (cleared here); nothing about weights --
    ("no 分值 column",                      {"G5": None, "G12": None, **{f"G{r}": None for r in range(6, 24)}},
     [("missing_label", "info", "D5", "分值", None, "项目资金表头中没有“分值”列，预算执行得分无法核对"),
      ("missing_label", "info", "B12", "分值", None, "绩效指标表头中没有“分值”列，该项无法核对")]),
    ("no 得分 column",                      {"H12": None, **{f"H{r}": None for r in range(13, 24)}},
     [("missing_label", "info", "B12", "得分", None, "绩效指标表头中没有“得分”列，该项无法核对")]),
    ("no 项目资金 block at all",             {f"{c}{r}": None for r in range(5, 10) for c in "ABCDEFGHI"},
     [("missing_value", "error", "", "年度资金总额", None, "没有找到“项目资金（万元）/年度资金总额”一行"),
      ("weight_total", "error", "G23", "分值合计", 90.0,
       "分值合计为 90（预算执行率 — + 产出指标 50 + 效益指标 30 + 满意度指标 10），应为 100"),
      ("total_mismatch", "error", "H23", "总分.得分", 98, "总分填 98，但已填各项得分合计为 88")]),
    ("总分 得分 unreadable",                 {"H23": "98..0"},
     [("value_unreadable", "warning", "H23", "总分.得分", "98..0",
       "无法识别“98..0”：“98..0”像数字但无法识别，请改为数字或规范写法")]),
    ("a name on two lines, 实际 unreadable", {"D13": "政务外网漏扫\n完成次数", "F13": "2..0"},
     [("value_unreadable", "warning", "F13", "指标“政务外网漏扫完成次数”.实际完成值", "2..0",
       "无法识别“2..0”：“2..0”像数字但无法识别，请改为数字或规范写法")]),
    ("产出(50分) is 产出指标",               {"B13": "产出(50分)"},                  []),
    ("效益类指标 is no 一级",                 {"B21": "效益类指标"},
     [("unknown_level", "warning", "B21", "指标“发生政务外网重大安全事件次数”.一级指标", "效益类指标",
       "一级指标“效益类指标”不是规定的一级指标（产出指标、效益指标、满意度指标）")]),
    # -- missing_value -------------------------------------------------------------------------
    ("项目名称 blank",                       {"B2": None},
     [("missing_value", "error", "B2", "项目名称", None, "“项目名称”未填写")]),
    ("主管部门 a full-width space",          {"B3": "\u3000"},
     [("missing_value", "warning", "B3", "主管部门", "\u3000", "“主管部门”未填写")]),
    ("全年执行数 blank",                     {"F6": None},
     [("missing_value", "error", "F6", "年度资金总额.全年执行数", None, "年度资金总额的“全年执行数”未填写")]),
    ("budget 得分 blank: the rule's figure", {"I6": None, "H23": 88},
     [("missing_value", "error", "I6", "年度资金总额.得分", None,
       "年度资金总额的“得分”未填写；按规则应为 10（10×100%）")]),
    ("总分 得分 blank",                      {"H23": None},
     [("missing_value", "error", "H23", "总分.得分", None, "“总分”的得分未填写；已填各项得分合计 98")]),
    ("实际完成值 blank",                     {"F14": None},
     [("missing_value", "warning", "F14", "指标“政务外网安全培训组织次数”.实际完成值", None,
       "指标“政务外网安全培训组织次数”的“实际完成值”未填写")]),
    ("分值 and 得分 blank",                  {"G14": None, "H14": None, "H23": 93},
     [("missing_value", "error", "G14", "指标“政务外网安全培训组织次数”.分值", None,
       "指标“政务外网安全培训组织次数”的“分值”未填写"),
      ("missing_value", "error", "H14", "指标“政务外网安全培训组织次数”.得分", None,
       "指标“政务外网安全培训组织次数”的“得分”未填写"),
      ("weight_total", "error", "G23", "分值合计", 95.0,
       "分值合计为 95（预算执行率 10 + 产出指标 45 + 效益指标 30 + 满意度指标 10），应为 100"),
      ("level_weight_mismatch", "warning", "B13", "产出指标.分值", "产出指标\n(50分)",
       "“产出指标”标注 50 分，其下指标分值合计 45")]),
    ("an 18-character name is shown whole", {"D14": "政务外网安全培训组织次数合计全年度计", "F14": None},
     [("missing_value", "warning", "F14", "指标“政务外网安全培训组织次数合计全年度计”.实际完成值", None,
       "指标“政务外网安全培训组织次数合计全年度计”的“实际完成值”未填写")]),
    ("a 19-character name is cut",         {"D14": "政务外网安全培训组织次数合计全年度计划", "F14": None},
     [("missing_value", "warning", "F14", "指标“政务外网安全培训组织次数合计全年度…”.实际完成值", None,
       "指标“政务外网安全培训组织次数合计全年度…”的“实际完成值”未填写")]),
    ("得分 blank",                          {"H14": None, "H23": 93},
     [("missing_value", "error", "H14", "指标“政务外网安全培训组织次数”.得分", None,
       "指标“政务外网安全培训组织次数”的“得分”未填写")]),
]

# Platform rules (DOMAIN §9) in the `platform` profile: 指标偏离 (≥ 30 % over the target
# loses 2 points) and the total capped by the execution rate.  Same base form.
MONTHLY = "指标“政务外网安全监测月报完成次数”"
CAP_WHY = "预算执行率 {rate}（全年执行数 {spent}÷全年预算数 {full}）低于 {below}，按平台规则总分最高 {cap} 分"
PLATFORM = [
    ("月报 15.59 of 12: 29.9 % over",      {"F17": 15.59},                      []),
    ("月报 15.6 of 12: 30 % over",         {"F17": 15.6},
     [("target_far_exceeded", "warning", "F17", f"{MONTHLY}.实际完成值", 15.6,
       f"{MONTHLY}实际完成值 15.6 超出年度指标值 12次 30%，年度指标值定得过低；"
       "按平台规则（偏离 30% 及以上扣 2 分）应得 3 分")]),
    ("rate 80 %: no cap",                  {"F6": 192, "H6": 0.8, "I6": 8, "H23": 96}, []),
    ("rate 79.99 %: at most 89",           {"F6": 191.98, "H6": 0.7999, "I6": 8, "H23": 96},
     [("total_capped_by_rate", "warning", "H23", "总分.得分", 96,
       CAP_WHY.format(rate="79.99%", spent="191.98", full="240", below="80%", cap="89")
       + "；总分填 96，超过封顶分")]),
    ("rate 65 %: at most 79",              {"F6": 156, "H6": 0.65, "I6": 6.5, "H23": 94.5},
     [("total_capped_by_rate", "warning", "H23", "总分.得分", 94.5,
       CAP_WHY.format(rate="65%", spent="156", full="240", below="70%", cap="79") + "；总分填 94.5，超过封顶分")]),
    ("rate 49.99 %: at most 59",           {"E6": 100, "F6": 49.99, "H6": 0.4999, "I6": 5, "H23": 93},
     [("total_capped_by_rate", "warning", "H23", "总分.得分", 93,
       CAP_WHY.format(rate="49.99%", spent="49.99", full="100", below="50%", cap="59") + "；总分填 93，超过封顶分")]),
    ("the clerk wrote the capped 89",      {"F6": 180, "H6": 0.75, "I6": 7.5, "H23": 89},
     [("total_mismatch", "error", "H23", "总分.得分", 89, "总分填 89，但已填各项得分合计为 95.5"),
      ("total_capped_by_rate", "info", "H23", "总分.得分", 89,
       CAP_WHY.format(rate="75%", spent="180", full="240", below="80%", cap="89") + "；规则计分 96.39 分按 89 分计")]),
]


UNCACHED = ("{} 个公式单元格没有保存计算结果（{}）：文件可能由程序生成、未在 Excel/WPS 中保存过，"
            "这些格按空白对待，相关核对无法进行；请在 Excel 或 WPS 中打开、保存后重新报送")
# Formula cells of the same form: cell → (formula, cached value; None: no result saved)    expected issues
FORMULA_CASES = [
    ({"H6": ("=F6/E6", None), "I6": ("=G6*MIN(H6,1)", None), "H23": ("=SUM(H13:H22)+I6", None)},
     [("formula_uncached", "warning", "H6", "公式", None, UNCACHED.format(3, "H6、I6、H23"))]),
    ({"H6": ("=F6/E6", 0.5)}, []),               # a wrong cached rate is the program's, not the clerk's
    ({"I6": ("=G6*MIN(H6,1)", 9.0)},             # the total is typed: 98 ≠ 97
     [("total_mismatch", "error", "H23", "总分.得分", 98.0, "总分填 98，但已填各项得分合计为 97")]),
    ({"H23": ("=SUM(H13:H22)+I6", 90.0)}, []),
    ({"H13": ("=G13", None)},                    # its result unknown: the total is not argued with
     [("formula_uncached", "warning", "H13", "公式", None, UNCACHED.format(1, "H13"))]),
    ({"H13": ("=G13", 5)}, []),
]

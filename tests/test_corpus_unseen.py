"""Forms laid out as other provinces and counties publish their 项目支出绩效自评表
(layouts not in test_corpus_families.py): a 填报单位（盖章）line above the form,
the year in brackets under the title, column synonyms (权重, 指标分值, 自评得分,
评分, 年度目标值, 预期指标值, 全年实际值, 预算数/调整预算数/实际支出数 …), 其中
rows without 其中, a spacer column, 等次 beside the total, a 自评结论 row.

Each form is internally consistent except for one or two deliberate mistakes of
the kinds in DOMAIN.md §5; the expectations are worked out by hand (rate, the
findings that must appear, and nothing else), in .xlsx and in Word .docx."""
from __future__ import annotations

from pathlib import Path

import pytest

from container_helpers import grid_docx, grid_xlsx
from xltools.profiles import load_profile
from xltools.project.report import check_file

N = None
FORMS: dict[str, tuple[list, list[str]]] = {}

# 广东 省直部门 (财政部 2020 模板): title, （2023年度）, a 填报单位（盖章）/填报日期 line,
# 主管部门 and 实施单位 on one row, 其中 rows with “—” in 分值/执行率/得分; the 总分
# row carries 评价等次 beside it.  Mistake: 质量 14/15 with no reason.
FORMS["guangdong_stamp_line"] = ([
    ["项目支出绩效自评表"],
    ["（2023年度）"],
    ["填报单位（盖章）：广东省某某厅", N, N, N, N, "填报日期：2024年3月5日"],
    ["项目名称", "全民健身场地设施建设补助"],
    ["主管部门", "广东省体育局", N, N, N, "实施单位", "某市体育局"],
    ["项目资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [N, "年度资金总额", 800, 760, 722, 10, "95%", 9.5],
    [N, "其中：当年财政拨款", 800, 760, 722, "—", "—", "—"],
    [N, "上年结转资金", 0, 0, 0, "—", "—", "—"],
    [N, "其他资金", 0, 0, 0, "—", "—", "—"],
    ["年度总体目标", "预期目标", N, N, N, "实际完成情况"],
    [N, "新建社区健身路径50条，经常参加体育锻炼人数比例达38%", N, N, N, "建成52条，比例38.5%"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
     "偏差原因分析及改进措施"],
    [N, "产出指标", "数量指标", "新建社区健身路径", "≥50条", "52条", 20, 20],
    [N, N, "质量指标", "验收合格率", "100%", "96%", 15, 14],
    [N, N, "时效指标", "按期完工", "按期完成", "按期完成", 15, 15],
    [N, "效益指标", "社会效益指标", "经常参加体育锻炼人数比例", "≥38%", "38.5%", 15, 15],
    [N, N, "可持续影响指标", "设施使用年限", "≥5年", "5年", 15, 15],
    [N, "满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "93%", 10, 10],
    ["总分", N, N, N, N, N, 100, 98.5, "评价等次：优"],
], ["A1:I1", "A2:I2", "B4:I4", "A6:B6", "A11:A12", "B11:E11", "F11:I11", "B12:E12", "F12:I12",
    "A13:A19", "B14:B16", "B17:B18", "A20:F20"])

# 浙江 县级: everything on one header row, budget columns 预算数/调整预算数/实际支出数
# and 权重, 财政拨款/其他资金 without 其中 (财政拨款 repeating 10 · rate · score),
# 年度目标值/全年实际值/自评得分, 合计 for 总分.  Mistake: 满意度 met yet 9/10, no reason.
FORMS["zhejiang_county"] = ([
    ["2023年度项目支出绩效自评表"],
    ["项目名称", "乡村振兴示范村建设", N, N, "主管部门", "某县农业农村局", N, "实施单位", "某镇人民政府"],
    ["项目资金（万元）", N, "预算数", "调整预算数", "实际支出数", "权重", "执行率", "得分"],
    [N, "年度资金总额", 300, 320, 304, 10, "95%", 9.5],
    [N, "财政拨款", 300, 320, 304, 10, "95%", 9.5],
    [N, "其他资金", 0, 0, 0],
    ["年度总体目标", "预期目标", N, N, N, "实际完成目标"],
    [N, "完成3个示范村建设", N, N, N, "已完成3个示范村建设"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度目标值", "全年实际值", "权重", "自评得分",
     "偏差原因分析及改进措施"],
    [N, "产出指标", "数量指标", "示范村建设个数", "3个", "3个", 20, 20],
    [N, N, "质量指标", "工程验收合格率", "100%", "100%", 15, 15],
    [N, N, "成本指标", "村均投入", "≤110万元", "101.3万元", 15, 15],
    [N, "效益指标", "经济效益指标", "村集体经济增收", "≥10万元", "12万元", 15, 15],
    [N, N, "社会效益指标", "带动就业人数", "≥50人", "58人", 15, 15],
    [N, "满意度指标", "服务对象满意度指标", "村民满意度", "≥90%", "95%", 10, 9],
    ["合计", N, N, N, N, N, 100, 98.5],
], ["A1:I1", "A3:B3", "A9:A15", "B10:B12", "B13:B14"])

# 北京 市级, header as in the 中央部门 template (主管部门及代码): 其中 rows 当年财政拨款/
# 上年结转 (no 其中), goals as 年初设定目标 / 年度实际完成情况, 自评等级 on its own row
# under 总分.  Mistake: 总分 92.56 while the entered scores add to 94.56.
FORMS["beijing_grade_row"] = ([
    ["项目支出绩效自评表"],
    ["（2022年度）"],
    ["项目名称", "基层医务人员能力提升培训"],
    ["主管部门及代码", "[215]北京市某区卫生健康委员会", N, N, N, "实施单位", "某区社区卫生服务管理中心"],
    ["项目资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [N, "年度资金总额", 150, 150, 128.4, 10, "85.6%", 8.56],
    [N, "当年财政拨款", 120, 120, 100.4],
    [N, "上年结转", 30, 30, 28],
    ["年度总体目标", "年初设定目标", N, N, N, "年度实际完成情况"],
    [N, "完成基层医务人员培训20场", N, N, N, "完成培训22场"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
     "偏差原因分析及改进措施"],
    [N, "产出指标", "数量指标", "培训场次", "≥20场", "22场", 20, 20],
    [N, N, "质量指标", "培训考核合格率", "≥95%", "97%", 15, 15],
    [N, N, "时效指标", "培训计划完成", "按计划完成", "按计划完成", 15, 15],
    [N, "效益指标", "社会效益指标", "基层诊疗能力", "明显提升", "有所提升", 20, 16,
     "部分偏远站点参训率偏低，下年度增加线上培训"],
    [N, N, "可持续影响指标", "培训长效机制", "建立", "建立", 10, 10],
    [N, "满意度指标", "服务对象满意度指标", "学员满意度", "≥90%", "92%", 10, 10],
    ["总分", N, N, N, N, N, 100, 92.56],
    ["自评等级", "优"],
], ["A11:A17", "B12:B14", "B15:B16"])

# 上海 区级: 项目资金 without (万元) and amounts typed with 万元, the rate as text,
# 指标分值 · 评分 (评分 in the budget block too) · 未完成原因分析.
# Mistake: budget 得分 9.9 where 10 × 96.5 % = 9.65.
FORMS["shanghai_units_typed"] = ([
    ["项目名称", "社区卫生服务中心设备购置"],
    ["主管部门", "某区卫生健康委员会", N, N, N, "实施单位", "某街道社区卫生服务中心"],
    ["项目资金", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "评分"],
    [N, "年度资金总额", "260万元", "240万元", "231.6万元", 10, "96.50%", 9.9],
    [N, "其中：当年财政拨款", "260万元", "240万元", "231.6万元"],
    ["年度总体目标", "预期目标", N, N, N, "实际完成情况"],
    [N, "购置设备12台并投入使用", N, N, N, "12台设备全部投入使用"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "指标分值", "评分",
     "未完成原因分析"],
    [N, "产出指标", "数量指标", "购置设备台数", "≥12台", "12台", 20, 20],
    [N, N, "质量指标", "设备验收合格率", "100%", "100%", 15, 15],
    [N, N, "时效指标", "设备到位及时率", "≥95%", "90%", 15, 14.2, "1台设备厂家延期交付"],
    [N, "效益指标", "社会效益指标", "门诊服务能力", "提升", "提升", 20, 20],
    [N, N, "可持续影响指标", "设备使用年限", "≥8年", "8年", 10, 10],
    [N, "满意度指标", "服务对象满意度指标", "患者满意度", "≥90%", "95%", 10, 10],
    ["总分", N, N, N, N, N, 100, 99.1],
], [])

# 江苏/山东 县级, pasted from Word: an empty spacer column, 一级指标 merged down over
# many rows, 二级指标 repeated on each row.  Mistake: 总分 96.8 for entered 97.8.
FORMS["jiangsu_spacer_column"] = ([
    ["项目支出绩效自评表"],
    ["项目名称", "高标准农田建设", N, N, N, N, N, N, N, N],
    ["主管部门", "某县农业农村局", N, N, N, "实施单位", "某县农田建设服务中心"],
    ["项目资金（万元）", N, N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [N, "年度资金总额", N, 1200, 1200, 1176, 10, "98%", 9.8],
    [N, "其中：当年财政拨款", N, 1000, 1000, 980],
    [N, "上年结转资金", N, 200, 200, 196],
    ["年度总体目标", "预期目标", N, N, N, N, "实际完成情况"],
    [N, "新建高标准农田1.2万亩", N, N, N, N, "建成1.21万亩"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", N, "年度指标值", "实际完成值", "分值", "得分",
     "偏差原因分析及改进措施"],
    [N, "产出指标", "数量指标", "新建高标准农田面积", N, "≥1.2万亩", "1.21万亩", 10, 10],
    [N, N, "数量指标", "新建灌排渠道", N, "≥30公里", "31公里", 10, 10],
    [N, N, "质量指标", "工程验收合格率", N, "100%", "100%", 10, 10],
    [N, N, "质量指标", "耕地质量等级提升", N, "≥0.5个等级", "0.5个等级", 10, 10],
    [N, N, "时效指标", "项目完工率", N, "100%", "100%", 5, 5],
    [N, N, "成本指标", "亩均投资", N, "≤1000元", "980元", 5, 5],
    [N, "效益指标", "经济效益指标", "亩均增产粮食", N, "≥50公斤", "55公斤", 10, 10],
    [N, N, "社会效益指标", "受益农户", N, "≥3000户", "3200户", 10, 10],
    [N, N, "生态效益指标", "灌溉水利用系数", N, "≥0.6", "0.62", 5, 5],
    [N, N, "可持续影响指标", "工程设计使用年限", N, "≥15年", "15年", 5, 5],
    [N, "满意度指标", "服务对象满意度指标", "受益农户满意度", N, "≥90%", "85%", 10, 8,
     "部分农户反映渠道维护不及时，已建立管护制度"],
    ["总分", N, N, N, N, N, N, 100, 96.8],
], ["A4:C4", "A10:A21", "B11:B16", "B17:B20", "A22:G22"])

# 河南 市级: 年初预算/全年预算/实际执行, goals 年初设定目标/年度实际完成情况,
# 二级 without the 指标 suffix, 成本指标 as a 一级 of its own (财预〔2021〕101号 指引,
# forms from 2022 on), 综合得分 as the total row (分值 100 · 得分) with 自评等级 beside it.  Mistake: 参保率 14/15 with no reason.
FORMS["henan_composite_score"] = ([
    ["项目支出绩效自评表"],
    ["（2022年度）"],
    ["项目名称", "城乡居民基本医疗保险市级补助"],
    ["主管部门", "某市医疗保障局", N, N, N, "实施单位", "某市医疗保障事务中心"],
    ["项目资金（万元）", N, "年初预算", "全年预算", "实际执行", "分值", "执行率", "得分"],
    [N, "年度资金总额", 5000, 5200, 5148, 10, "99%", 9.9],
    [N, "其中：当年财政拨款", 5000, 5200, 5148],
    ["年度总体目标", "年初设定目标", N, N, N, "年度实际完成情况"],
    [N, "参保人数350万人以上", N, N, N, "参保352万人"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度目标值", "实际完成值", "分值", "得分",
     "偏差原因分析及改进措施"],
    [N, "产出指标", "数量", "参保人数", "≥350万人", "352万人", 15, 15],
    [N, N, "质量", "参保率", "≥95%", "94.2%", 15, 14],
    [N, N, "时效", "补助资金拨付及时率", "100%", "100%", 15, 15],
    [N, "效益指标", "社会效益", "政策范围内住院费用报销比例", "≥70%", "71%", 15, 15],
    [N, N, "可持续影响", "医保基金运行", "平稳运行", "平稳运行", 15, 15],
    [N, "成本指标", "经济成本指标", "人均财政补助标准", "≥610元", "610元", 5, 5],
    [N, "满意度指标", "服务对象满意度", "参保群众满意度", "≥85%", "88%", 10, 10],
    ["综合得分", N, N, N, N, N, 100, 98.9, "自评等级", "优"],
], ["A10:A17", "B11:B13", "B14:B15", "A18:F18"])

# 贵州/甘肃 县级: 附件 line, a 填报单位 line with 单位：万元, money rows 财政拨款/上年结转/
# 其他资金 without 其中, 预期指标值/实际完成情况, a 自评结论 row and the signature
# line below.  Mistake: 分值 add to 90 (效益 only 20).
FORMS["guizhou_conclusion_row"] = ([
    ["附件3"],
    ["2023年度项目支出绩效自评表"],
    ["填报单位：某县教育局（盖章）", N, N, N, N, N, "单位：万元"],
    ["项目名称", "农村义务教育学生营养改善计划"],
    ["主管部门", "某县教育局", N, N, N, "实施单位", "某县学生资助管理中心"],
    ["项目资金", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [N, "年度资金总额", 650, 680, 612, 10, "90%", 9],
    [N, "财政拨款", 600, 630, 567],
    [N, "上年结转", 50, 50, 45],
    [N, "其他资金", 0, 0, 0],
    ["年度总体目标", "预期目标", N, N, N, "实际完成情况"],
    [N, "为全县2.5万名农村义务教育学生提供营养膳食补助", N, N, N, "惠及2.52万名学生"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "预期指标值", "实际完成情况", "分值", "得分",
     "偏差原因分析及改进措施"],
    [N, "产出指标", "数量指标", "受益学生人数", "≥2.5万人", "2.52万人", 20, 20],
    [N, N, "质量指标", "食品安全抽检合格率", "100%", "100%", 10, 10],
    [N, N, "时效指标", "资金拨付及时率", "100%", "100%", 10, 10],
    [N, N, "成本指标", "生均每天补助标准", "≤5元", "5元", 10, 10],
    [N, "效益指标", "社会效益指标", "学生营养健康状况", "有所改善", "有所改善", 20, 20],
    [N, "满意度指标", "服务对象满意度指标", "学生家长满意度", "≥90%", "94%", 10, 10],
    ["总分", N, N, N, N, N, 100, 89],
    ["自评结论", "项目总体完成较好，资金执行率90%，自评得分89分，评价等次为良。"],
    ["填报人：张某", N, N, "联系电话：0851-1234567", N, "填报日期：2024年3月1日"],
], ["A13:A19", "B14:B17"])

# 新疆 地区级: a 填报单位（盖章）line, 年度资金总额： with a colon, amounts typed in
# 万元, level weights in the 一级 labels, 指标分值 · 自评得分, 等次 beside the 总分.
# Mistakes: the budget 得分 left blank (rule 9.2); 总分 99.2 counts it, entered add to 90.
FORMS["xinjiang_blank_budget_score"] = ([
    ["2023年度项目支出绩效自评表"],
    ["填报单位（盖章）：某地区林业和草原局", N, N, N, N, N, "填报日期：2024年1月20日"],
    ["项目名称", "退化草原生态修复治理"],
    ["主管部门", "某地区林业和草原局", N, N, N, "实施单位", "某县草原工作站"],
    ["项目资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [N, "年度资金总额：", "1500万元", "1500万元", "1380万元", 10, "92%", N],
    [N, "其中：当年财政拨款", "1500万元", "1500万元", "1380万元"],
    ["年度总体目标", "预期目标", N, N, N, "实际完成情况"],
    [N, "改良退化草原10万亩", N, N, N, "完成改良10万亩"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "指标分值", "自评得分",
     "偏差原因分析及改进措施"],
    [N, "产出指标（50分）", "数量指标", "退化草原改良面积", "≥10万亩", "10万亩", 20, 20],
    [N, N, "质量指标", "补播种子出苗率", "≥85%", "86%", 15, 15],
    [N, N, "时效指标", "项目完成及时率", "100%", "100%", 15, 15],
    [N, "效益指标（30分）", "生态效益指标", "草原植被盖度提高", "≥3个百分点", "3.5个百分点", 15, 15],
    [N, N, "可持续影响指标", "草原生态状况", "持续向好", "持续向好", 15, 15],
    [N, "满意度指标（10分）", "服务对象满意度指标", "牧民满意度", "≥90%", "92%", 10, 10],
    ["总分", N, N, N, N, N, 100, 99.2, "等次", "优"],
], ["A10:A16", "B11:B13", "B14:B15"])

# 甘肃 县级 中央转移支付项目: 项目资金 with a line break and the unit in 年度资金总额（万元）,
# 全年预算数（A）/全年执行数（B）/执行率（B/A）, money as text with a full-width space, the
# rate with ％, 其中 rows by level of government (中央/省级财政资金, not budget lines),
# 二级指标 repeated.
# Mistake: 冷链仓储 2 of 3 built scored 13/15, the rule gives 10.
FORMS["gansu_transfer_payment"] = ([
    ["项目支出绩效自评表"],
    ["（2023年度）"],
    ["项目名称", "中央财政衔接推进乡村振兴补助资金（产业发展）"],
    ["主管部门", "某县乡村振兴局", N, N, N, "实施单位", "某县乡村振兴局"],
    ["项目\n资金", N, "年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"],
    [N, "年度资金总额（万元）", "2000", "\u30002100", "1995", 10, "95％", 9.5],
    [N, "其中：中央财政资金", 1800, 1900, 1805],
    [N, "省级财政资金", 200, 200, 190],
    ["年度总体目标", "预期目标", N, N, N, "实际完成情况"],
    [N, "扶持新型经营主体10个，建设冷链仓储设施3座", N, N, N, "扶持10个，建成冷链仓储2座"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
     "偏差原因分析及改进措施"],
    [N, "产出指标", "数量指标", "扶持新型经营主体", "≥10个", "10个", 15, 15],
    [N, N, "数量指标", "建设冷链仓储设施", "≥3座", "2座", 15, 13, "1座因用地手续未办结顺延至次年"],
    [N, N, "质量指标", "项目验收合格率", "100%", "100%", 10, 10],
    [N, N, "时效指标", "资金拨付及时率", "100%", "100%", 10, 10],
    [N, "效益指标", "经济效益指标", "带动脱贫户户均增收", "≥1000元", "1100元", 15, 15],
    [N, N, "社会效益指标", "带动脱贫人口就业", "≥200人", "230人", 15, 15],
    [N, "满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "95%", 10, 10],
    ["总分", N, N, N, N, N, 100, 97.5],
], ["A5:B5", "A11:A18", "B12:B15", "B16:B17"])

# 山东 市级 template workbook: a 填报说明 sheet before the form (not a form: named with
# the reason), 项目名称：/主管部门：/实施单位： written inside their cells, a 评价等次
# legend under the table (not a grade).  Mistake: 完成率 scored 22 for 分值 20.
SHANDONG_NOTES = [
    ["填报说明"],
    ["1．本表适用于2023年度项目支出绩效自评，一个项目填报一张表。"],
    ["2．绩效指标按一级指标、二级指标、三级指标逐项填写，年度指标值按批复的绩效目标填写。"],
    ["3．得分低于分值的，须在偏差原因分析及改进措施栏说明原因。"],
]
FORMS["shandong_inline_header"] = ([
    ["2023年度项目支出绩效自评表"],
    ["项目名称：城市公共文化服务体系建设", N, N, N, "主管部门：某市文化和旅游局", N, N, "实施单位：某市图书馆"],
    ["项目资金（万元）", N, "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    [N, "年度资金总额", 420, 420, 411.6, 10, "98%", 9.8],
    [N, "其中：当年财政拨款", 420, 420, 411.6],
    ["年度总体目标", "预期目标", N, N, N, "实际完成情况"],
    [N, "举办公益讲座和展览80场", N, N, N, "举办84场"],
    ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
     "偏差原因分析及改进措施"],
    [N, "产出指标", "数量指标", "公益讲座和展览场次", "≥80场", "84场", 20, 20],
    [N, N, "质量指标", "活动计划完成率", "100%", "100%", 20, 22],
    [N, N, "时效指标", "活动按期举办", "按期", "按期", 10, 10],
    [N, "效益指标", "社会效益指标", "参与群众人次", "≥5万人次", "5.6万人次", 20, 20],
    [N, N, "可持续影响指标", "公共文化服务长效机制", "健全", "健全", 10, 10],
    [N, "满意度指标", "服务对象满意度指标", "读者满意度", "≥90%", "96%", 10, 10],
    ["总分", N, N, N, N, N, 100, 101.8],
    ["评价等次：90分（含）以上为优，80（含）-90分为良，60（含）-80分为中，60分以下为差。"],
], ["A8:A14", "B9:B11", "B12:B13"])

# form                          rate      findings (error/warning codes) that must appear — and no other
EXPECT = [
    ("guangdong_stamp_line",       0.95,     ["deduction_without_reason"]),
    ("zhejiang_county",            0.95,     ["deduction_without_reason"]),
    ("beijing_grade_row",          0.856,    ["total_mismatch"]),
    ("shanghai_units_typed",       0.965,    ["budget_score_mismatch"]),
    ("jiangsu_spacer_column",      0.98,     ["total_mismatch"]),
    ("henan_composite_score",      0.99,     ["deduction_without_reason"]),
    ("guizhou_conclusion_row",     0.9,      ["weight_total"]),
    ("xinjiang_blank_budget_score", 0.92,    ["missing_value", "total_mismatch"]),
    ("gansu_transfer_payment",     0.95,     ["indicator_score_above_rule"]),
    ("shandong_inline_header",     0.98,     ["score_over_weight"]),
]

# form                          name                            indicators  weights  total  grade
FIELDS = [
    ("guangdong_stamp_line",       "全民健身场地设施建设补助",      6,          100,     98.5,  "优"),
    ("zhejiang_county",            "乡村振兴示范村建设",            6,          100,     98.5,  N),
    ("beijing_grade_row",          "基层医务人员能力提升培训",      6,          100,     92.56, "优"),
    ("shanghai_units_typed",       "社区卫生服务中心设备购置",      6,          100,     99.1,  N),
    ("jiangsu_spacer_column",      "高标准农田建设",                11,         100,     96.8,  N),
    ("henan_composite_score",      "城乡居民基本医疗保险市级补助",  7,          100,     98.9,  "优"),
    ("guizhou_conclusion_row",     "农村义务教育学生营养改善计划",  6,          90,      89,    N),
    ("xinjiang_blank_budget_score", "退化草原生态修复治理",         6,          100,     99.2,  "优"),
    ("gansu_transfer_payment",     "中央财政衔接推进乡村振兴补助资金（产业发展）", 7, 100, 97.5, N),
    ("shandong_inline_header",     "城市公共文化服务体系建设",      6,          100,     101.8, N),
]


#: Sheets beside the form in the .xlsx that are not forms (reported, never read as one).
EXTRA_SHEETS = {"shandong_inline_header": {"填报说明": SHANDONG_NOTES}}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[tuple[str, str], Path]:
    out = tmp_path_factory.mktemp("unseen")
    made = {}
    for name, (rows, merges) in FORMS.items():
        sheets = {sheet: (extra, []) for sheet, extra in EXTRA_SHEETS.get(name, {}).items()}
        sheets[name] = (rows, merges)
        made[(name, "xlsx")] = grid_xlsx(out / f"{name}.xlsx", sheets)
        made[(name, "docx")] = grid_docx(out / f"{name}.docx", rows, merges)
    return made


def _checked(files, name, container):
    result = check_file(files[(name, container)], load_profile())
    assert result.status == "ok", result.error
    expected = set(EXTRA_SHEETS.get(name, {})) if container == "xlsx" else set()
    assert {sheet for sheet, _why in result.skipped} == expected, result.skipped
    (c,) = result.checked
    return c


@pytest.mark.parametrize("container", ["xlsx", "docx"])
@pytest.mark.parametrize("name,rate,must", EXPECT)
def test_unseen_form_reads_to_the_same_checks(files, name, rate, must, container):
    c = _checked(files, name, container)
    rec = c.record()
    assert rec["kind"] == "project"
    assert rec["execution_rate"] == pytest.approx(rate, abs=1e-6)
    found = sorted({i.code for i in c.issues if i.severity in ("error", "warning")})
    assert found == sorted(must), [(i.code, i.field, i.message) for i in c.issues]


@pytest.mark.parametrize("container", ["xlsx", "docx"])
@pytest.mark.parametrize("name,project,count,weights,total,grade", FIELDS)
def test_unseen_form_fields(files, name, project, count, weights, total, grade, container):
    c = _checked(files, name, container)
    form = c.form
    assert form.name is not None and form.name.text.strip() == project
    assert len(form.indicators) == count
    assert c.record()["weight_total"] == pytest.approx(weights)
    assert form.total_score is not None and form.total_score.number == pytest.approx(total)
    if grade is None:
        assert form.grade is None
    else:
        assert form.grade is not None and form.grade.text.strip() == grade


def test_instructions_sheet_is_named_with_the_reason(files):
    result = check_file(files[("shandong_inline_header", "xlsx")], load_profile())
    ((sheet, why),) = result.skipped
    assert sheet == "填报说明"
    assert why.startswith("不是绩效自评表"), why


# form                      年度总体目标: expected · actual, under whichever labels the form uses
GOALS = [
    ("beijing_grade_row",      "完成基层医务人员培训20场", "完成培训22场"),       # 年初设定目标 / 年度实际完成情况
    ("henan_composite_score",  "参保人数350万人以上",      "参保352万人"),
    ("zhejiang_county",        "完成3个示范村建设",        "已完成3个示范村建设"),  # 预期目标 / 实际完成目标
    ("guizhou_conclusion_row", "为全县2.5万名农村义务教育学生提供营养膳食补助", "惠及2.52万名学生"),
]


@pytest.mark.parametrize("container", ["xlsx", "docx"])
@pytest.mark.parametrize("name,expected,actual", GOALS)
def test_unseen_goals(files, name, expected, actual, container):
    form = _checked(files, name, container).form
    assert form.goal_expected is not None and form.goal_expected.text.strip() == expected
    assert form.goal_actual is not None and form.goal_actual.text.strip() == actual

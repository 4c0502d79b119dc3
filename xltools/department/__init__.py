"""Department-level evaluation (部门整体支出绩效评价): the 基础数据表 (附件1-1), the
部门整体支出绩效自评表 (附件1-2), the 收支情况 tables, and the 评分表 whose rules
live in a department profile such as `hunan-dept` (`profiles.department`).

Modules:
    rules     — `score_line`: the one generic evaluator of any profile line
    locate    — finding cells by their labels in a grid
    readers   — reading the department tables as clerks type them
    evaluate  — `evaluate_book(book, profile)`: every 三级指标 scored, with issues
    layout    — where the department sheets of the master put things
    formulas  — every formula of those sheets (profile lines → Excel), with its value
    writers   — `add_department_sheets(book, data)`: the three sheets, on the kit
    plans     — the 整体评价 button's planner (and `xltools evaluate`'s twin)
    udfs      — plain functions generated from the profile's lines, wrapped for
                Excel in `xltools.excel.udfs_department`
"""

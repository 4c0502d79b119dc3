"""Department-level evaluation (部门整体支出绩效评价): the 基础数据表 (附件1-1), the
部门整体支出绩效自评表 (附件1-2), the 收支情况 tables, and the 评分表 whose
rules live in a profile such as `hunan-dept` (seed 002, 财预〔2013〕53号).

Modules:
    expr      — the small safe expression language formulas and conditions use
    rules     — the department profile schema, its loader and the generic evaluator
    locate    — finding cells by their labels in a `workbook.Grid`
    readers   — reading the department tables as clerks type them
    evaluate  — `evaluate_book(book, profile)`: every 三级指标 scored, with issues
    layout    — where the department sheets of the master put things
    writers   — `add_department_sheets(workbook, department_data)` for the master
    udfs      — plain functions for the rules, wrapped for Excel in xltools.excel
"""

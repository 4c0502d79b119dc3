"""Consolidating the workbooks units send up (issue 4).

- `units`   — which unit a submission belongs to; the expected units of a 基础信息 sheet.
- `merge`   — pure aggregation of project records into unit and department totals.
- `ledger`  — the SQLite submission ledger (files seen, problems, who superseded whom).
- `output`  — the output workbook (整体支出汇总 …) written with openpyxl.
- `run`     — the pipeline: files → engine → records → ledger, output, JSON.

Parsing, scoring and checking belong to the engine (`xltools.report`); nothing
here re-implements them.
"""

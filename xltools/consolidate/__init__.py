"""Consolidating the workbooks units send up (issue 4).

- `units`   — which unit a submission belongs to; the expected units of a 基础信息 sheet.
- `merge`   — pure aggregation of project records into unit and department totals.
- `ledger`  — the SQLite submission ledger (files seen, problems, who superseded whom).
- `output`  — the output workbook (整体支出汇总 …) written with openpyxl.
- `run`     — the pipeline: files → engine → records (whole ones spooled to a temp file).
- `job`     — one run end to end (ledger, output, JSON), shared by the command and the button.
- `master`  — our block in the master's 整体支出 sheet (file: zip-level; button: Edits).
- `sample`  — writes submission workbooks (benchmark and tests).

Parsing, scoring and checking belong to the engine (`xltools.project.report`); nothing
here re-implements them.
"""

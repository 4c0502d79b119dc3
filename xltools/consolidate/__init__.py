"""Consolidating the workbooks units send up (issues 4 and 13).

- `units`   — which unit a submission belongs to; the expected units of a 基础信息 sheet.
- `merge`   — aggregation of project records into unit and department totals.
- `run`     — the pipeline: inputs, duplicates, workers, every file's reading spooled.
- `spool`   — the run's readings on disk, so memory stays flat in the number of files.
- `rollup`  — a county's `--json` or ledger as an input to the next level.
- `ledger`  — the SQLite submission ledger (files seen, problems, who superseded whom).
- `output`  — the output workbook (整体支出汇总 …) through the kit, in constant memory.
- `job`     — one run end to end (ledger, output, JSON), shared by the command and the button.
- `plans`   — our block in the master's 整体支出 sheet (one planner, both doors).
- `sample`  — realistic submission workbooks (benchmark and tests).

Reading, scoring and checking belong to the engine (`xltools.project.report`); nothing
here re-implements them.
"""

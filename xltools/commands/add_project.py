"""`xltools add-project MASTER [--name 项目N]` — the terminal twin of the 新增项目
button: a blank copy of the last project sheet, listed in 整体支出.  Macros,
buttons, validations, formats and print setup are kept; the file is backed up
first."""
from __future__ import annotations

from ..core.errors import XltoolsError
from ..profiles import DEFAULT_PROFILE, load_profile


def register(sub) -> None:
    p = sub.add_parser("add-project", help="新增项目：复制最后一张项目表为空白新表",
                       description="与主表中“新增项目”按钮相同：复制最后一张项目表，"
                                   "清空填写内容，加入“整体支出”汇总（先备份）。")
    p.add_argument("master", metavar="主表", help="主表文件（.xlsm/.xlsx）")
    p.add_argument("--name", metavar="表名", help="新工作表名（默认“项目N”）")
    p.add_argument("--profile", default=DEFAULT_PROFILE, metavar="规则",
                   help="评分规则配置名或 .toml 路径（默认 national）")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..master.twins import add_project_file

    try:
        done = add_project_file(args.master, load_profile(args.profile), args.name)
    except (XltoolsError, KeyError, ValueError) as exc:
        print(f"新增项目失败：{exc}")
        return 2
    except PermissionError:
        print(f"新增项目失败：{args.master} 正被其他程序占用（可能在 Excel 中打开着），请先关闭再试；原文件未改动")
        return 2
    new = done.plan.new_projects[0]
    print(f"已在 {args.master} 新增项目表“{new.name}”（复制自“{new.template}”，原文件已备份）")
    return 0

"""`xltools bundle OUT [--zip] [--python 3.11,3.12] [--platform win_amd64|native]`
— the offline install kit (`xltools.kit`): Windows wheels of xltools and
everything it needs, install.bat, the blank master and unit form, a one-page
Chinese guide.  Built on any machine that reaches PyPI (or a mirror, or a
folder of wheels given with --find-links)."""
from __future__ import annotations

import sys

from ..distribution import KIT_PLATFORM, SUPPORTED_PYTHONS


def register(sub) -> None:
    p = sub.add_parser(
        "bundle", help="生成离线安装包（给上不了网的 Windows 电脑，用 U 盘拷过去双击 install.bat）",
        description="把 xltools 和它需要的全部安装文件（Windows 64 位，"
                    f"Python {'、'.join(SUPPORTED_PYTHONS)}）、install.bat、空白主表和报送表、一页中文安装说明"
                    "放进一个文件夹（或 .zip）。生成时要能连上 PyPI 或镜像；装的时候不需要网络。")
    p.add_argument("output", metavar="输出", help="新文件夹名，或以 .zip 结尾的文件名")
    p.add_argument("--zip", action="store_true", help="打成 .zip（输出名以 .zip 结尾时自动如此）")
    p.add_argument("--python", metavar="3.11,3.12", default=",".join(SUPPORTED_PYTHONS),
                   help=f"为哪些 Python 版本下载（默认 {','.join(SUPPORTED_PYTHONS)}）")
    p.add_argument("--platform", default=KIT_PLATFORM, choices=(KIT_PLATFORM, "native"),
                   help=f"{KIT_PLATFORM}（默认，Windows 64 位）或 native（本机平台和本机 Python，测试用）")
    p.add_argument("--extras", metavar="analysis", default="",
                   help="同时打包的可选功能，如 analysis（pandas 数据表接口）")
    p.add_argument("--find-links", metavar="文件夹", action="append", default=[],
                   help="另外从这个放有 wheel 的文件夹取安装文件（可写多次）")
    p.add_argument("--source", metavar="源码文件夹", help="xltools 源码（含 pyproject.toml），默认为正在运行的这一份")
    p.add_argument("--wheel", metavar="xltools.whl", help="直接用这个已经打好的 xltools wheel")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..kit import KitError, build_kit

    output = args.output
    if args.zip and not output.lower().endswith(".zip"):
        output += ".zip"
    pythons = [v.strip() for v in args.python.replace("，", ",").split(",") if v.strip()]
    bad = [v for v in pythons if v not in SUPPORTED_PYTHONS]
    if bad:
        print(f"错误：不支持的 Python 版本 {'、'.join(bad)}；可选 {'、'.join(SUPPORTED_PYTHONS)}", file=sys.stderr)
        return 2
    extras = [e.strip() for e in args.extras.split(",") if e.strip()]
    try:
        kit = build_kit(output, platform=args.platform, pythons=pythons, source=args.source, wheel=args.wheel,
                        find_links=args.find_links, extras=extras,
                        log=lambda text: print(text, file=sys.stderr, flush=True))
    except KitError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the one Chinese sentence for a failed write (no English strerror)
        from ..core.fileio import describe_write_error

        print(f"错误：{describe_write_error(exc, exc.filename or output)}", file=sys.stderr)
        return 2
    print(f"已生成离线安装包：{kit.path}（{kit.size / 1e6:.1f} MB，{len(kit.wheels)} 个安装文件，"
          f"Python {'、'.join(kit.pythons)}）")
    print("把它拷到要安装的电脑上（如 D:\\绩效自评），双击其中的 install.bat。")
    return 0

"""Rules profiles — rules are data — and the one loader for every kind.

A profile is a TOML file in `xltools/profiles/` (or any path).  Two kinds:

- "project": the rules of a 项目支出绩效自评表 (`national` — the default —,
  `hunan`, `platform`): weights, tiers, bands, grades, platform rules; schema in
  `profiles.project`; used by `xltools check`, the master and the consolidation;
- "department": a 部门整体支出绩效评价评分表 (`hunan-dept`, the default):
  inputs and lines with their formulas and rules; schema in
  `profiles.department`; used by `xltools evaluate` and the department sheets.

`load_profile(name_or_path, kind)` reads either: by name or path, with
`extends = "x"` starting from profile x and overriding what the file states
(tables merged key by key, lists replaced), and refuses a file of the other
kind with a Chinese message saying which command takes it.  `profiles.expr`
is the safe expression language department formulas are written in.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Union

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from ..core.errors import ProfileError
from .department import DepartmentProfile, parse_profile
from .project import Profile, build

PROFILE_DIR = Path(__file__).resolve().parent
#: The default profile of each kind.
DEFAULTS = {"project": "national", "department": "hunan-dept"}
DEFAULT_PROFILE = DEFAULTS["project"]
#: What each kind is for, as a clerk reads it, and the command that takes it.
KIND_TEXT = {"project": ("项目支出绩效自评规则", "xltools check"),
             "department": ("部门整体支出评价规则", "xltools evaluate")}


def load_profile(name_or_path: str | os.PathLike | None = None,
                 kind: str = "project") -> Union[Profile, DepartmentProfile]:
    """The profile `name_or_path` (a shipped name such as `national`, or a .toml
    path; None: the kind's default).  Raises ProfileError (Chinese) when it
    cannot be found, is not valid TOML, is of the other kind or is malformed."""
    if kind not in DEFAULTS:
        raise ValueError(f"unknown profile kind {kind!r}")
    return _load(str(name_or_path or DEFAULTS[kind]), kind)


def available_profiles(kind: str = "project") -> list[str]:
    """Names of the shipped profiles of one kind."""
    names = []
    for path in PROFILE_DIR.glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if _kind(data) == kind:
            names.append(path.stem)
    return sorted(names)


@lru_cache(maxsize=32)
def _load(name_or_path: str, kind: str) -> Union[Profile, DepartmentProfile]:
    path = _path(name_or_path, kind)
    data = _merged(path, seen=())
    if kind == "department":
        return parse_profile(data, str(path))  # says so when the file is a project profile
    if _kind(data) != "project":
        raise ProfileError(f"“{name_or_path}”是{KIND_TEXT['department'][0]}，请用 xltools evaluate --profile "
                           f"{name_or_path}；项目自评表可用的规则有：{'、'.join(available_profiles())}")
    try:
        return build(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise ProfileError(f"规则配置 {name_or_path} 格式有误：{exc}") from None


def _kind(data: dict[str, Any]) -> str:
    """A department profile says `kind = "department"` under [profile], or has
    [[lines]]; anything else is a project profile."""
    head = data.get("profile", {})
    if data.get("kind") == "department" or head.get("kind") == "department" or "lines" in data:
        return "department"
    return "project"


def _path(name_or_path: str, kind: str) -> Path:
    path = Path(name_or_path)
    if path.suffix.lower() == ".toml" or os.sep in name_or_path or "/" in name_or_path:
        if path.is_file():
            return path
        raise ProfileError(f"找不到规则配置文件：{name_or_path}")
    candidate = PROFILE_DIR / f"{name_or_path}.toml"
    if candidate.is_file():
        return candidate
    raise ProfileError(f"找不到规则配置“{name_or_path}”；{KIND_TEXT[kind][0]}可用的有："
                       f"{'、'.join(available_profiles(kind))}，或给出 .toml 文件路径")


def _merged(path: Path, seen: tuple[str, ...]) -> dict[str, Any]:
    if str(path) in seen:
        raise ProfileError(f"规则配置循环继承：{' → '.join(seen + (str(path),))}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"规则配置文件无法读取：{path}（{exc}）") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"规则配置 {path} 不是有效的 TOML：{exc}") from None
    parent = data.get("extends")
    if parent:
        base = _path(str(parent), _kind(data))
        return _deep_merge(_merged(base, seen + (str(path),)), data)
    return data


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


__all__ = ["DEFAULTS", "DEFAULT_PROFILE", "PROFILE_DIR", "DepartmentProfile", "Profile",
           "available_profiles", "load_profile"]

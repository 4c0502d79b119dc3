"""The exceptions xltools raises.  Each message is Chinese and names the file; the
docstring says when it is raised.  Problems *inside* a readable form are not
exceptions but `model.Issue` records."""
from __future__ import annotations


class XltoolsError(Exception):
    """Base of every error xltools raises on purpose."""


class WorkbookError(XltoolsError):
    """A file cannot be read as a workbook: missing, corrupt, encrypted, not a
    workbook.  `reason` is a short Chinese explanation, `path` the file."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}：{reason}")
        self.path = path
        self.reason = reason


class NoFormError(XltoolsError):
    """A workbook was read but no sheet in it is a 绩效自评表."""

    def __init__(self, path: str, reason: str = "工作簿中没有找到绩效自评表"):
        super().__init__(f"{path}：{reason}")
        self.path = path
        self.reason = reason


class ProfileError(XltoolsError):
    """A rules profile cannot be found or is malformed."""


class OutputError(XltoolsError):
    """A result cannot be written: the folder is read-only, the disk is full,
    the path is a folder or its name too long, the file is locked by another
    program.  The message names the path and says what to do."""


class LedgerError(XltoolsError):
    """The submission ledger cannot be used: it is not a ledger (another
    program's database, a damaged or foreign file), or another run holds it
    longer than we wait.  Nothing in the file was changed."""


#: What a parser's exception means, for the clerk (looked up by class name, so
#: no parser has to be imported here); anything else is "内容不合规范".
_DAMAGE = {
    "XMLSyntaxError": "XML 内容不完整或格式错误",
    "ParseError": "XML 内容不完整或格式错误",
    "BadZipFile": "压缩包已损坏",
    "error": "压缩数据已损坏",          # zlib.error
    "EOFError": "文件被截断，内容不完整",
    "UnicodeDecodeError": "文字编码错误",
    "KeyError": "缺少必需的部件",
    "IndexError": "内部引用指向不存在的内容",
    "MemoryError": "内容过大，读取时内存不足",
    "OverflowError": "数值或尺寸超出范围",
    "CalamineError": "表格内容无法解析",
}


def damage_detail(exc: BaseException) -> str:
    """A short Chinese word on what is wrong in a damaged file, from the
    exception a parser raised (shown in brackets after "文件已损坏")."""
    return _DAMAGE.get(type(exc).__name__, "内容不合规范")

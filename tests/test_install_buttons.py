"""A button never shows a Python traceback: whatever its handler raises ends as
one Chinese line in a message box; what the clerk cannot act on goes to a log
file whose place the line names, with `xltools doctor` suggested."""
from __future__ import annotations

import pytest

import xltools.excel.buttons as buttons
from xltools.core.errors import WorkbookError


class Book:
    """The little of an xlwings book a failing button touches."""

    def __init__(self, fullname: str = r"D:\绩效自评\主表.xlsm"):
        self.fullname = fullname
        outer = self

        class App:
            status_bar = ""

            def alert(self, text, title=""):
                outer.alerts.append(text)

        self.app = App()
        self.alerts: list[str] = []


# what the handler raises                                  the line says                     logged
FAILURES = [
    (WorkbookError("主表.xlsm", "不是可读的 Excel 文件"),    "操作未完成：主表.xlsm：不是可读的 Excel 文件", False),
    (ValueError("已有名为“项目1”的工作表"),                  "操作未完成：已有名为“项目1”的工作表",          False),
    (KeyError("找不到“整体支出”工作表"),                     "操作未完成：找不到“整体支出”工作表",           False),
    (PermissionError(13, "Permission denied", "D:\\x.xlsx"), "文件正被其他程序占用（D:\\x.xlsx）",        False),
    (ValueError("could not convert string to float: 'x'"),  "程序内部出错",                               True),
    (KeyError("B7"),                                         "程序内部出错",                               True),
    (ZeroDivisionError("division by zero"),                  "程序内部出错",                               True),
    (ImportError("DLL load failed while importing win32api"), "程序内部出错",                              True),
    (AttributeError("'NoneType' object has no attribute 'sheets'"), "程序内部出错",                        True),
]


@pytest.mark.parametrize("exc,says,logged", FAILURES)
def test_every_failure_is_one_chinese_line(exc, says, logged, tmp_path, monkeypatch):
    monkeypatch.setenv("XLTOOLS_LOG_DIR", str(tmp_path))

    @buttons._guarded
    def handler(book):
        raise exc

    book = Book()
    message = handler(book=book)
    assert book.alerts == [message] and "\n" not in message
    assert says in message
    assert "Traceback" not in message and "Error" not in message
    logs = list(tmp_path.glob("xltools-*.log"))
    if logged:
        assert len(logs) == 1 and str(logs[0]) in message
        assert r"xltools doctor D:\绩效自评\主表.xlsm" in message
        assert type(exc).__name__ in logs[0].read_text(encoding="utf-8")
    else:
        assert logs == []


def test_no_caller_is_a_message_too(tmp_path, monkeypatch):
    """Excel could not hand xlwings the calling book (or xlwings itself is broken)."""
    monkeypatch.setenv("XLTOOLS_LOG_DIR", str(tmp_path))

    def no_caller(book):
        raise RuntimeError("Book.caller() is only valid when called from Excel")

    monkeypatch.setattr(buttons, "_caller", no_caller)
    message = buttons.recalculate()
    assert message.startswith("操作未完成：程序内部出错") and "主表.xlsm" in message


@pytest.mark.parametrize("handler", ["consolidate", "evaluate_department"])
def test_master_opened_from_an_address(handler):
    book = Book("https://contoso-my.sharepoint.com/personal/clerk/Documents/主表.xlsm")
    message = getattr(buttons, handler)(book=book)
    assert "OneDrive/SharePoint" in message and "另存为" in message and book.alerts == [message]

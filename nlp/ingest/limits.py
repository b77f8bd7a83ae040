"""Input-size guards checked before the expensive work: a document over a cap fails with too_large/too_complex."""

from __future__ import annotations

from nlp.report import ReportError


class InputTooLarge(Exception):
    """A document beyond a configured cap; carries the error that the failed Report will show."""

    def __init__(self, error: ReportError) -> None:
        super().__init__(error.message)
        self.error = error


def too_large(what: str, count: int, limit: int) -> InputTooLarge:
    """A document with more `what` (行, 段落, 页) than the cap allows."""
    return InputTooLarge(ReportError("too_large", f"文档{what}过多（{count}，上限 {limit}），拒绝处理 (too large)"))


def too_complex(what: str, count: int, limit: int) -> InputTooLarge:
    """A document whose structure (表格单元格, 文字绘制指令) would cost more than the cap allows."""
    return InputTooLarge(ReportError("too_complex", f"文档{what}过多（至少 {count}，上限 {limit}），结构过于复杂，拒绝处理 (too complex)"))

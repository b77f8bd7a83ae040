"""Typer's own help words (用法, 选项, 命令, 默认, the --help line, value types) in Chinese for `nianbao --help`."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import re
import sys
from collections.abc import Callable
from functools import wraps
from types import ModuleType
from typing import Any

import typer.core
import typer.exceptions
from typer._click import core as click_core
from typer._click import exceptions as click_exceptions
from typer._click import formatting

_RICH_UTILS = "typer.rich_utils"

# Typer reads these module constants when it draws a help page; its own gettext catalogue has no Chinese.
_PANEL_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "参数", "OPTIONS_PANEL_TITLE": "选项", "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误", "ABORTED_TEXT": "已中止。", "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]", "ENVVAR_STRING": "[环境变量：{}]", "DEPRECATED_STRING": "（已弃用）",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}
# The value kinds shown as <path>, <int> … beside each option.
TYPE_WORDS = {
    "bool": "开关", "path": "路径", "file": "文件", "directory": "目录", "str": "文字", "text": "文字",
    "int": "整数", "float": "数", "int range": "整数范围", "float range": "数值范围", "list[str]": "多项",
}
_USAGE_WORDS = (("COMMAND [ARGS]...", "命令 [参数]..."), ("[OPTIONS]", "[选项]"), ("[ARGS]...", "[参数]..."))
HELP_OPTION_TEXT = "显示本帮助并退出。"
# Typer's usage errors (a wrong option, a missing argument, a bad value), sentence by sentence; the names
# and values quoted in them stay as typed.
_ERROR_WORDS = (
    (r"Invalid value for (.+?): (?:Value error, )?", r"\1 的值无效："),
    (r"Invalid value: (?:Value error, )?", "值无效："),
    (r"Missing argument (.+?)\.", r"缺少参数 \1。"),
    (r"Missing option (.+?)\.", r"缺少选项 \1。"),
    (r"Missing parameter: (\S+)", r"缺少参数 \1"),
    (r"No such option: (\S+)", r"没有选项 \1"),
    (r"No such command (.+?)\.", r"没有命令 \1。"),
    (r"Did you mean (.+?)\?", r"是不是 \1？"),
    (r"\(Possible options: (.+?)\)", r"（可能是：\1）"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", r"多余的参数：\1"),
    (r"Option (.+?) requires an argument\.", r"选项 \1 需要一个值。"),
    (r"Option (.+?) does not take a value\.", r"选项 \1 不带值。"),
    (r"(.+?) is not one of (.+?)\.", r"\1 不是可选的值（\2）。"),
    (r"(?:Value )?(.+?) is not a valid (\w+)\.", r"\1 不是有效的 \2。"),
    (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
    (r"Input should be less than or equal to (\S+)", r"应不大于 \1"),
    (r"Input should be a valid (\w+)", r"应为有效的 \1"),
)
_TYPE = re.compile(r"^<([^<>|]+)>(\.\.\.)?$")


def _chinese_type(display: Callable[..., str | None]) -> Callable[..., str | None]:
    @wraps(display)
    def shown(self: Any, ctx: Any) -> str | None:
        text = display(self, ctx)
        m = _TYPE.match(text or "")
        if m and m.group(1) in TYPE_WORDS:
            return f"<{TYPE_WORDS[m.group(1)]}>{m.group(2) or ''}"
        return text
    return shown


def _chinese_usage(write: Callable[..., None]) -> Callable[..., None]:
    @wraps(write)
    def usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, chinese in _USAGE_WORDS:
            args = args.replace(english, chinese)
        write(self, prog, args, "用法：" if prefix is None else prefix)
    return usage


def _chinese_help_option(get: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(get)
    def option(self: Any, ctx: Any) -> Any:
        found = get(self, ctx)
        if found is not None:
            found.help = HELP_OPTION_TEXT
        return found
    return option


# Piped output has no terminal to measure and rich would assume 80 columns, cutting table 三's row labels
# to "1.属于 …"; a file or a pager gets whole rows instead. COLUMNS (or Typer's TERMINAL_WIDTH) still wins.
PIPE_WIDTH = 240


def piped_width() -> int | None:
    """The width to print at when stdout is not a terminal and no width is set; None for the terminal's own."""
    if sys.stdout.isatty() or os.environ.get("COLUMNS") or os.environ.get("TERMINAL_WIDTH"):
        return None
    return PIPE_WIDTH


def _words_into(rich_utils: ModuleType) -> None:
    if rich_utils.MAX_WIDTH is None:
        rich_utils.MAX_WIDTH = piped_width()
    for name, words in _PANEL_WORDS.items():
        setattr(rich_utils, name, words)
    # Typer's rich help highlights the usage line by its English prefix; highlight ours the same way.
    rich_utils.highlighter.highlights = [re.sub(r"Usage: ", "用法：", h) for h in rich_utils.highlighter.highlights]


class _WordsOnImport(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Puts the words into typer.rich_utils when Typer first imports it, for a help page or an error.

    Importing it up front would cost every command about 0.2 s (rich's markdown and panels) for pages
    that `parse` or `score` never draw.
    """

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if name != _RICH_UTILS:
            return None
        sys.meta_path.remove(self)  # one module, once
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        self._inner = spec.loader
        spec.loader = self
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._inner.exec_module(module)
        _words_into(module)


def chinese_error(message: str) -> str:
    """A Typer usage error in Chinese (our own messages, already Chinese, pass through unchanged)."""
    for english, chinese in _ERROR_WORDS:
        message = re.sub(english, chinese, message)
    return message


def _chinese_error(format_message: Callable[[Any], str]) -> Callable[[Any], str]:
    @wraps(format_message)
    def message(self: Any) -> str:
        return chinese_error(format_message(self))
    return message


_installed = False


def install() -> None:
    """Put the Chinese words in place once per process (the CLI calls this before building its app)."""
    global _installed
    if _installed:
        return
    _installed = True
    if _RICH_UTILS in sys.modules:
        _words_into(sys.modules[_RICH_UTILS])
    else:
        sys.meta_path.insert(0, _WordsOnImport())
    for cls in [*vars(typer.exceptions).values(), *vars(click_exceptions).values()]:
        if isinstance(cls, type) and issubclass(cls, typer.exceptions.TyperException) and "format_message" in vars(cls):
            cls.format_message = _chinese_error(cls.format_message)
    formatting.HelpFormatter.write_usage = _chinese_usage(formatting.HelpFormatter.write_usage)
    click_core.Command.get_help_option = _chinese_help_option(click_core.Command.get_help_option)
    for cls in (typer.core.TyperArgument, typer.core.TyperOption):
        cls.display_type = _chinese_type(cls.display_type)

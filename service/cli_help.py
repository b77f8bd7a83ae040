"""Typer's own help words (用法, 选项, 命令, 默认, the --help line, value types) in Chinese for `nianbao --help`."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import typer.core
import typer.rich_utils as rich_utils
from typer._click import core as click_core
from typer._click import formatting

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


_installed = False


def install() -> None:
    """Put the Chinese words in place once per process (the CLI calls this before building its app)."""
    global _installed
    if _installed:
        return
    _installed = True
    if rich_utils.MAX_WIDTH is None:
        rich_utils.MAX_WIDTH = piped_width()
    for name, words in _PANEL_WORDS.items():
        setattr(rich_utils, name, words)
    # Typer's rich help highlights the usage line by its English prefix; highlight ours the same way.
    rich_utils.highlighter.highlights = [re.sub(r"Usage: ", "用法：", h) for h in rich_utils.highlighter.highlights]
    formatting.HelpFormatter.write_usage = _chinese_usage(formatting.HelpFormatter.write_usage)
    click_core.Command.get_help_option = _chinese_help_option(click_core.Command.get_help_option)
    for cls in (typer.core.TyperArgument, typer.core.TyperOption):
        cls.display_type = _chinese_type(cls.display_type)

"""`nianbao batch`: score many reports into a folder of tables, JSON and an HTML overview."""

from __future__ import annotations

import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from nlp.labels import STATUS_NAMES, reason_name

if TYPE_CHECKING:
    from service.batch.runner import BatchResult


class EngineName(StrEnum):
    """Where the reports are scored."""

    local = "local"
    ray = "ray"


class _Rate(ProgressColumn):
    """Reports per second since the phase began."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} 份/秒" if speed else "— 份/秒", style="progress.data.speed")


class _RichProgress:
    """The runner's Progress drawn as a rich bar with rate and ETA."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: int | None = None

    def start(self, phase: str, total: int) -> None:
        # An empty phase (everything resumed, nothing to pair) gets no bar at all.
        self.task = self.progress.add_task(phase, total=total) if total else None

    def advance(self, status: str) -> None:
        if self.task is not None:
            self.progress.advance(self.task)


def _summary(result: BatchResult, console: Console) -> None:
    status = result.by_status
    review = status.get("needs_review", 0)
    console.print(
        f"[bold]完成[/bold]：{len(result.rows)} 份报告，评分成功 {status.get('ok', 0)}，需人工复核（不参与排名）{review}，"
        f"无法读取或处理失败 {len(result.rows) - status.get('ok', 0) - review}；本次计算 {result.computed} 项，"
        f"沿用已有结果 {result.reused} 项；雷同 {len(result.pairs)} 对；用时 {result.seconds:.1f} 秒。"
    )
    if result.failures:
        table = Table(title="失败原因")
        for name in ("状态", "原因", "份数"):
            table.add_column(name)
        for (state, code), n in sorted(result.failures.items(), key=lambda kv: (-kv[1], kv[0])):
            table.add_row(STATUS_NAMES.get(state, state), reason_name(code), str(n))
        console.print(table)
    for item in result.unmatched:
        console.print(f"[yellow]未匹配到文件：{item}[/yellow]")
    console.print(f"输出目录：{result.out}（index.html、results.csv、rankings.csv）")


def batch(
    inputs: Annotated[list[str], typer.Argument(help="文件夹、通配路径或清单 CSV（列：path、province、city、level、agency、year、published）")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录（再次运行到同一目录会接着上次继续）")],
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="工作进程数（Ray：本地 Ray 的 CPU 数）")] = 1,
    engine: Annotated[EngineName, typer.Option("--engine", help="local（本机进程池）或 ray")] = EngineName.local,
    address: Annotated[str | None, typer.Option("--address", help="Ray 集群地址（默认：在本机启动 Ray）")] = None,
    previous: Annotated[Path | None, typer.Option("--previous", help="上一年度：以前一次批量评价的输出目录，或一个报告文件夹")] = None,
    rubric: Annotated[Path | None, typer.Option("--rubric", help="评分细则 TOML 文件（默认：随程序提供的细则）")] = None,
    time_limit: Annotated[float | None, typer.Option("--time-limit", help="每份报告最多处理的秒数（默认：600，扫描件按页做文字识别）")] = None,
    memory_mb: Annotated[int, typer.Option("--memory-mb", help="每个工作进程可用的内存（MB）")] = 4096,
    topics: Annotated[bool, typer.Option("--topics/--no-topics", help="按主题（问题、改进措施、机制、年度工作、其他）给正文句子分类")] = True,
    model: Annotated[Path | None, typer.Option("--model", "-m", help="本地主题模型目录")] = None,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="重新评价上次超时、崩溃、内存超限或因程序内部错误失败的报告")] = False,
) -> None:
    """批量评价：结果表、按省份/年度/层级的排名、雷同检测和 HTML 总览页。"""
    # The runner (process pool, duplicate detection, scipy) loads only for `batch`, not every command.
    from service.batch.runner import BatchError, run_batch
    from service.batch.settings import BatchSettings, Limits

    console = Console(stderr=True)
    settings = BatchSettings(workers=workers, engine=engine.value, address=address, rubric=rubric,
                             limits=Limits(time_s=time_limit or Limits().time_s, memory_mb=memory_mb),
                             topics=(str(model) if model else "default") if topics else None,
                             retry_failed=retry_failed)
    started = time.monotonic()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _Rate(),
               TimeElapsedColumn(), TextColumn("剩余"), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console, transient=False) as bar:
            result = run_batch(inputs, out, settings, previous, _RichProgress(bar))
    except BatchError as exc:
        console.print(f"[red]批量评价无法运行：{exc}[/red]")
        raise typer.Exit(code=1) from exc
    except KeyboardInterrupt:
        console.print(f"[yellow]已中断（{time.monotonic() - started:.0f} 秒）；再次运行同一命令会从中断处继续。[/yellow]")
        raise typer.Exit(code=130) from None
    _summary(result, console)

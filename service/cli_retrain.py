"""`nianbao train retrain --from-db URL`: the service's retraining job run from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer


def retrain(
    from_db: Annotated[str | None, typer.Option("--from-db", help="数据库 URL（默认：数据目录中的 SQLite，或 NIANBAO_DATABASE_URL）")] = None,
    data_dir: Annotated[Path | None, typer.Option("--data-dir", help="数据目录：模型版本保存在其下的 versions/")] = None,
    epochs: Annotated[int | None, typer.Option(help="微调轮数（默认取服务设置）")] = None,
    test_data: Annotated[str | None, typer.Option(
        help="另加的冻结测试集：gold（语料在时的留出金标句）或 JSON Lines 文件；本部署留作测试的标注总会计入")] = None,
    min_test: Annotated[int | None, typer.Option(
        min=0, help="本部署至少要有多少条测试集标注才训练（默认取 NIANBAO_RETRAIN_MIN_TEST，即 50）")] = None,
    base_data: Annotated[str | None, typer.Option(help="已有训练数据：default、none 或 JSON Lines 文件")] = None,
    output: Annotated[str, typer.Option("--format", "-f", help="text 或 json")] = "text",
) -> None:
    """用评审员已提交的标注重新训练主题模型：在冻结测试集上评估，宏 F1 更高且没有主题的 F1 明显下降才启用。"""
    from service.web.bootstrap import prepared_state
    from service.web.settings import Settings

    values: dict[str, object] = {"start_worker": False}
    if from_db:
        values["database_url"] = from_db
    if data_dir:
        values["data_dir"] = data_dir
    if epochs:
        values["retrain_epochs"] = epochs
    if test_data:
        values["retrain_test_data"] = test_data
    if base_data:
        values["retrain_base_data"] = base_data
    if min_test is not None:
        values["retrain_min_test"] = min_test
    svc = prepared_state(Settings(**values), load_model=True)  # type: ignore[arg-type]
    try:
        run_id = svc.retrainer.enqueue(None)
    except RuntimeError as exc:
        typer.echo(f"无法开始：{exc}", err=True)
        raise typer.Exit(2) from exc
    outcome = svc.retrainer.run(run_id)
    svc.engine.dispose()
    if output == "json":
        sys.stdout.write(json.dumps(outcome.__dict__, ensure_ascii=False) + "\n")
    else:
        from nlp.labels import JOB_STATUS_NAMES, MODEL_DECISION_NAMES

        typer.echo(f"第 {outcome.run_id} 次重新训练：{JOB_STATUS_NAMES.get(outcome.status, '未知状态')}")
        if outcome.status == "done":
            verdict = MODEL_DECISION_NAMES.get(outcome.decision or "", "未知结果")
            typer.echo(f"模型版本 {outcome.version}：macro-F1 {outcome.old_macro_f1} → {outcome.new_macro_f1}（{verdict}）")
        else:
            typer.echo(outcome.message, err=True)
    if outcome.status != "done":
        raise typer.Exit(1)

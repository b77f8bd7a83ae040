"""The API reference page (/docs) in Chinese, rendered on the server from the OpenAPI schema (no CDN script)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from service.web.ui import Viewer, render

router = APIRouter(include_in_schema=False)

# What each operation does, for the people who write scripts against it (the routes' own docstrings are for
# developers). tests/service/test_web_pages.py fails when an operation has no note here.
NOTES: dict[tuple[str, str], str] = {
    ("GET", "/health"): "进程在运行即返回，供负载均衡探活。",
    ("GET", "/ready"): "数据库可连、迁移已完成、主题模型已加载（或确认不可用）且任务队列在推进时返回 200，否则 503 并说明原因。",
    ("POST", "/api/uploads"): "表单字段 `files` 可含多个文件或一个 zip 压缩包；同一文件（SHA-256 相同）不重复处理。"
                              "返回 202，响应头 `Location` 指向任务（多个文件时指向本次上传）；无法读取的文件列在 `rejected` 中并说明原因。",
    ("GET", "/api/jobs/{job_id}"): "任务的状态；完成后给出报告编号。",
    ("POST", "/api/jobs/{job_id}/cancel"): "取消排队中或处理中的任务（处理中的工作进程会被终止）；已结束的任务返回 409。",
    ("GET", "/api/batches/{batch}"): "一次上传产生的全部任务及各状态的数量。",
    ("GET", "/api/reports"): "已入库的报告，只含列表所需的字段；可筛选、排序、分页。",
    ("GET", "/api/reports/{report_id}"): "一份报告的完整 JSON 契约，与命令行 `nianbao score -f json` 的输出相同。",
    ("GET", "/api/reports/{report_id}/file"): "上传的原始文件。",
    ("GET", "/api/rankings"): "完整读取的报告在各分组内排名：得分高者在前，同分时错误少者在前，两者都相同则名次并列（1、1、3）。"
                              "读取失败、不是年度报告或需人工复核的报告单独列出，不参与排名。",
    ("GET", "/api/rules"): "每条检查规则未通过、通过和无法判断的次数。",
    ("GET", "/api/export"): "按筛选条件导出报告列表；`jsonl` 格式加 `full=true` 时导出每份报告的完整契约。",
    ("GET", "/api/me"): "令牌或登录会话所属的账号与角色。",
    ("POST", "/api/tokens"): "为脚本创建一个与调用者同角色的令牌，令牌只显示这一次。",
    ("GET", "/api/tokens"): "调用者自己的令牌；管理员可查看其他账号的令牌。最新的在前。",
    ("DELETE", "/api/tokens/{token_id}"): "令牌立即失效，仍以“已撤销”列出。",
    ("GET", "/api/users"): "全部账号及其角色、是否启用。",
    ("POST", "/api/users"): "按角色创建账号；用户名会规范化，密码须符合密码规则。",
    ("POST", "/api/users/{user_id}/deactivate"): "账号不能再登录，其会话结束、令牌失效。",
    ("POST", "/api/users/{user_id}/activate"): "账号可以重新登录（未过期、未撤销的令牌恢复可用）。",
    ("POST", "/api/users/{user_id}/password"): "为其他账号设置密码，该账号的会话结束。",
    ("POST", "/api/me/password"): "修改自己的密码；其他会话结束，发起修改的会话得到新的登录凭据。",
    ("GET", "/api/review/queue"): "调用者接下来要标注的句子，每句带所在段落、部分和模型建议。",
    ("POST", "/api/review/items/{item_id}/answer"): "追加一条答复；只有提交的答复用于训练。返回各评审员的进度。",
    ("POST", "/api/review/items/{item_id}/undo"): "把自己对该句的答复退回草稿，历史中两步都保留。",
    ("GET", "/api/review/items/{item_id}"): "一句的全部模型建议和每一步答复，按时间先后。",
    ("GET", "/api/review/progress"): "每位评审员已提交、已跳过和草稿的数量。",
    ("GET", "/api/review/agreement"): "两位评审员都已提交的句子上的一致性（Cohen's kappa）。",
    ("GET", "/api/review/disagreements"): "评审员意见不一致、尚未由管理员裁决的句子。",
    ("POST", "/api/review/items/{item_id}/adjudicate"): "记录管理员裁决的标签，作为该句的训练标签。",
    ("POST", "/api/review/assign"): "把句子分给指定评审员中的两位，轮流组合。",
    ("GET", "/api/review/export"): "每一步答复一行，含句子和当时给评审员看的模型建议。",
    ("POST", "/api/review/import"): "导入本服务或其他服务导出的标注，重复的跳过。",
    ("GET", "/api/retrain"): "最近的训练任务（最新的在前），以及还需要多少测试集答复才能训练。",
    ("POST", "/api/retrain"): "从当前模型继续训练并在固定的测试集上评估，不比当前模型差才启用。",
    ("GET", "/api/retrain/{run_id}"): "训练任务的状态、新旧指标、各标签的变化、是否启用及可能标错的句子。",
    ("GET", "/api/models"): "保存的模型版本及其宏平均 F1、数据指纹，当前使用的版本和每次切换。",
    ("POST", "/api/models/{name}/activate"): "从现在起使用某个保存的版本，无需重启。",
}

# Parameters by name: what a value means (the names themselves are the API's and are shown as code).
PARAMETERS: dict[str, str] = {
    "page": "页码，从 1 开始", "per_page": "每页条数", "sort": "排序列", "order": "升序 `asc` 或降序 `desc`",
    "province": "省份", "city": "城市", "level": "行政层级", "year": "报告年度", "status": "读取状态",
    "min_score": "最低得分", "max_score": "最高得分", "q": "按机关名称或文件名搜索", "group_by": "分组，可多选",
    "format": "导出格式", "full": "是否导出完整契约", "job_id": "任务编号", "batch": "上传批次编号",
    "report_id": "报告编号", "token_id": "令牌编号", "user_id": "账号编号", "user": "用户名", "item_id": "句子编号",
    "limit": "最多返回条数", "section": "所在部分", "topic": "模型建议的主题", "min_confidence": "最低置信度",
    "max_confidence": "最高置信度", "run_id": "训练任务编号", "name": "模型版本名",
}


def code_parts(text: str) -> list[tuple[str, bool]]:
    """A note split at its `backticks`: (text, is_code) pieces, code shown as code."""
    return [(part, i % 2 == 1) for i, part in enumerate(text.split("`")) if part]


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation of the schema with its Chinese summary, note and parameters."""
    return [
        {"method": method.upper(), "path": path, "summary": op.get("summary", ""),
         "note": code_parts(NOTES.get((method.upper(), path), "")),
         "params": [(p["name"], code_parts(PARAMETERS.get(p["name"], ""))) for p in op.get("parameters", [])],
         "body": "requestBody" in op}
        for path, item in schema.get("paths", {}).items() for method, op in item.items()
    ]


@router.get("/docs", response_class=HTMLResponse)
def docs_page(request: Request, user: Viewer) -> HTMLResponse:
    """The API reference in Chinese."""
    schema = request.app.openapi()
    return render(request, "docs.html", operations=operations(schema), version=schema.get("info", {}).get("version"))

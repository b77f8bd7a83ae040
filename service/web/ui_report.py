"""The report pages of the web UI: one report, its PDF page images, setting its year, and comparing two years."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from nlp.labels import FORMAT_NAMES, SECTION_NAMES, TEMPLATE_NAMES, for_people
from nlp.report import READ_STATUSES
from service.web.compare import mark_reuse, name_tail, reuse_ratio, stored_body_key
from service.web.models import ReportRow
from service.web.pdfimage import render_page
from service.web.reportview import prose, report_view
from service.web.state import get_state
from service.web.ui import Db, Reviewer, Viewer, render

router = APIRouter(include_in_schema=False)
# Years a reviewer may set: annual disclosure reports date from the 2008 regulations on.
YEAR_RANGE = (2008, 2100)
PICKER_LIMIT = 1000  # reports offered in one compare picker (most recent first); the rest are reached by id


def _report_row(db: Session, report_id: int) -> ReportRow:
    row = db.get(ReportRow, report_id)
    if row is None:
        raise HTTPException(404, "报告不存在")
    return row


def same_body(db: Session, row: ReportRow, limit: int = 200) -> list[ReportRow]:
    """Other readable reports of the same body (by canonical body key), latest year first."""
    key = stored_body_key(row.agency, row.province, row.city)
    if not key:
        return []
    # Every name form of a body ends with the key's last part: a LIKE pre-filter keeps this one query.
    tail = name_tail(key).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    candidates = db.scalars(
        select(ReportRow).where(ReportRow.id != row.id, ReportRow.status.in_(READ_STATUSES),
                                ReportRow.agency.like(f"%{tail}", escape="\\"))
        .order_by(ReportRow.year.desc().nulls_last(), ReportRow.id.desc()).limit(limit)
    ).all()
    return [c for c in candidates if stored_body_key(c.agency, c.province, c.city) == key]


def previous_year(row: ReportRow, others: list[ReportRow]) -> ReportRow | None:
    """The same body's nearest earlier year (the lowest id among equals), or None."""
    if row.year is None:
        return None
    earlier = [o for o in others if o.year is not None and o.year < row.year]
    return min(earlier, key=lambda o: (-(o.year or 0), o.id)) if earlier else None


@router.get("/reports/{report_id}", response_class=HTMLResponse)
def report_page(request: Request, report_id: int, user: Viewer, db: Db) -> HTMLResponse:
    """One report: score, findings, sections, tables and PDF pages with the failing cells marked."""
    row = _report_row(db, report_id)
    body = json.loads(row.body)
    others = same_body(db, row) if row.status in READ_STATUSES else []
    return render(request, "report.html", row=row, body=body, view=report_view(body), others=others,
                  previous=previous_year(row, others), section_labels=SECTION_NAMES, year_range=YEAR_RANGE,
                  template_names=TEMPLATE_NAMES, format_names=FORMAT_NAMES, for_people=for_people)


@router.post("/reports/{report_id}/year", response_model=None)
def set_year(report_id: int, user: Reviewer, db: Db,
             year: Annotated[int, Form(ge=YEAR_RANGE[0], le=YEAR_RANGE[1])],
             back: Annotated[str, Form(max_length=200)] = "") -> Response:
    """A reviewer sets the year of a report whose year could not be read (or was read wrong)."""
    row = _report_row(db, report_id)
    row.year = year
    db.commit()
    # Back to the page the form was on (the report or a comparison), never to another site.
    target = back if back.startswith(("/reports/", "/compare")) else f"/reports/{report_id}"
    return RedirectResponse(target, status_code=303)


@router.get("/reports/{report_id}/pages/{page}.png")
def page_image(request: Request, report_id: int, page: int, user: Viewer, db: Db,
               box: Annotated[list[str], Query(max_length=200)] = []) -> Response:  # noqa: B006
    """A PDF page rendered locally, with the given boxes (PDF points, top-left origin) drawn."""
    row = _report_row(db, report_id)
    if row.format != "pdf":
        raise HTTPException(404, "不是 PDF 报告")
    boxes = []
    for spec in box[:50]:
        try:
            x0, top, x1, bottom = (float(v) for v in spec.split(","))
        except ValueError as exc:
            raise HTTPException(422, "box 应为 x0,top,x1,bottom") from exc
        boxes.append((x0, top, x1, bottom))
    settings = get_state(request).settings
    if page > settings.max_image_pages:
        raise HTTPException(404, f"只能预览前 {settings.max_image_pages} 页")
    try:
        png = render_page(get_state(request).blobs.get(row.sha256), page, boxes,
                          max_pixels=settings.max_image_pixels)
    except IndexError as exc:
        raise HTTPException(404, "页码不存在") from exc
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def _choices(db: Session, first: ReportRow | None) -> tuple[list[ReportRow], list[ReportRow], bool]:
    """Reports to pick from: the first report's body first (suggested), then the others, most recent first."""
    rows = db.scalars(select(ReportRow).where(ReportRow.status.in_(READ_STATUSES))
                      .order_by(ReportRow.id.desc()).limit(PICKER_LIMIT + 1)).all()
    truncated = len(rows) > PICKER_LIMIT
    rows = rows[:PICKER_LIMIT]
    if first is None:
        return [], list(rows), truncated
    suggested = same_body(db, first)
    chosen = {r.id for r in suggested} | {first.id}
    return suggested, [r for r in rows if r.id not in chosen], truncated


@router.get("/compare", response_class=HTMLResponse)
def compare_page(request: Request, user: Viewer, db: Db, a: Annotated[str, Query(max_length=12)] = "",
                 b: Annotated[str, Query(max_length=12)] = "") -> HTMLResponse:
    """Pick two reports (the same body suggested first), then see them side by side, older year left: the newer
    report's sentences that reuse the older one's wording are marked."""
    # The picker form sends an empty value for a report not chosen yet: that is "not chosen", not an error.
    first = _report_row(db, int(a)) if a.isdigit() else None
    second = _report_row(db, int(b)) if b.isdigit() else None
    suggested, rest, truncated = _choices(db, first)
    picker = {"first": first, "second": second, "suggested": suggested, "rest": rest, "truncated": truncated}
    if first is None or second is None or first.id == second.id:
        note = "请选择两份不同的报告。" if first is not None and second is not None else None
        return render(request, "compare.html", picker=picker, note=note, pair=None)
    unknown = [r for r in (first, second) if r.year is None]
    if unknown:
        # Which report is the earlier decides the direction of reuse: without both years it is not guessed.
        return render(request, "compare.html", picker=picker, note=None, pair=None, unknown=unknown,
                      year_range=YEAR_RANGE)
    left, right = sorted((first, second), key=lambda r: (r.year, r.id))
    lb, rb = json.loads(left.body), json.loads(right.body)
    # Headings are the template's words, not reuse: only the prose is marked and counted.
    marked_right = mark_reuse(prose(rb), prose(lb))
    marked_left = mark_reuse(prose(lb), prose(rb))
    same_year = left.year == right.year
    return render(request, "compare.html", picker=picker, note=None,
                  pair={"left": left, "right": right, "marked_left": marked_left, "marked_right": marked_right,
                        "ratio": reuse_ratio(marked_right), "same_year": same_year,
                        "same_body": stored_body_key(left.agency, left.province, left.city)
                        == stored_body_key(right.agency, right.province, right.city)},
                  section_labels=SECTION_NAMES)

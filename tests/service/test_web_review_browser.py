"""Browser test of the review queue: 20 sentences annotated with the keyboard only, then retraining and its decision."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from nlp.vocabulary import LABELS
from service.web.app import create_app
from service.web.bootstrap import ensure_user, load_files
from service.web.models import Annotation
from tests.service.browser_fixtures import chromium, login, needs_chromium, serve
from tests.service.test_web_review import SAMPLE, retrain_settings
from tests.service.web_fixtures import PASSWORD

pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """A uvicorn server with the shipped model, an admin, and one sample report stored."""
    settings, _ = retrain_settings(tmp_path_factory.mktemp("review-live"))
    app = create_app(settings)
    with serve(app) as base:
        svc = app.state.svc
        svc.analyzer.loaded.wait(120)
        ensure_user(svc, "admin", PASSWORD, "admin")
        load_files(svc, [SAMPLE])
        yield base, svc


def test_keyboard_only_annotation_then_retraining_shows_metrics_and_decision(live: tuple[str, object]) -> None:
    base, svc = live
    with chromium() as browser:
        page = browser.new_page()  # type: ignore[attr-defined]
        login(page, base, "admin")
        page.goto(f"{base}/review")
        page.wait_for_selector("#review-card:not([hidden])")
        assert page.locator("#review-text").inner_text().strip()
        assert page.locator("#review-section").inner_text().strip()
        count = page.locator("#review-done-count")
        keys = ["Enter", "1", "2", "3", "4"]
        for n in range(1, 21):
            if n == 6:
                # Undo the fifth answer and give it again; arrows move without answering.
                page.keyboard.press("Backspace")
                page.wait_for_function("() => document.getElementById('review-done-count').textContent === '4'")
                page.keyboard.press("ArrowRight")
                page.keyboard.press("ArrowLeft")
                page.keyboard.press("2")
                page.wait_for_function("() => document.getElementById('review-done-count').textContent === '5'")
            page.keyboard.press(keys[n % len(keys)])
            page.wait_for_function(f"() => document.getElementById('review-done-count').textContent === '{n}'")
        assert count.inner_text() == "20"
        page.goto(f"{base}/models")
        assert page.locator("#answer-count").inner_text() == "20"
        page.click("#retrain-start")
        page.wait_for_selector("#run-decision", timeout=120_000)
        decision = page.locator("#run-decision").get_attribute("data-decision")
        assert decision in ("promoted", "kept")
        old, new = (float(page.locator(sel).inner_text()) for sel in ("#old-macro-f1", "#new-macro-f1"))
        assert (decision == "promoted") == (new >= old)
        assert page.locator("#run-metrics tr[data-label]").count() == len(LABELS)
    with svc.sessions() as db:  # type: ignore[attr-defined]
        rows = db.query(Annotation).all()
    assert sum(a.status == "submitted" for a in rows) == 21 and sum(a.status == "draft" for a in rows) == 1

"""Browser tests of the review queue's loose ends (issue 16 item 10) and of label set 2 in the queue: the progress
table follows each answer without a reload, "已撤销" goes when moving on, five keys and buttons, the note on an
answer to give again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from nlp import vocabulary
from nlp.labels import TOPIC_NAMES
from service.web.app import create_app
from service.web.bootstrap import ensure_user, load_files
from service.web.models import AnnotationItem, User
from tests.service.browser_fixtures import chromium, login, needs_chromium, serve
from tests.service.test_web_review import SAMPLE, write_test_split
from tests.service.web_fixtures import PASSWORD, settings_for

pytest.importorskip("playwright.sync_api")
pytestmark = needs_chromium


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """A uvicorn server without a topic model (the queue needs none), an admin, a reviewer, the sample stored."""
    tmp = tmp_path_factory.mktemp("review-v2-live")
    settings = settings_for(tmp / "data", start_worker=False, retrain_test_share=0.0, retrain_min_test=0,
                            retrain_test_data=str(write_test_split(tmp / "test.jsonl", "本句只在测试集中。")))
    app = create_app(settings)
    with serve(app) as base:
        svc = app.state.svc
        for name, role in (("admin", "admin"), ("rev", "reviewer")):
            ensure_user(svc, name, PASSWORD, role)
        load_files(svc, [SAMPLE])
        yield base, svc


@pytest.fixture
def browser() -> Iterator[object]:
    """A fresh Chromium per test (each test logs in as someone else)."""
    with chromium() as instance:
        yield instance


def _review(browser: object, base: str, user: str) -> object:
    page = browser.new_page()  # type: ignore[attr-defined]
    login(page, base, user)
    page.goto(f"{base}/review")
    page.wait_for_selector("#review-card:not([hidden])")
    return page


def _cell(user: str, key: str) -> str:
    return f"#review-progress tr[data-reviewer='{user}'] td[data-key='{key}']"


def test_progress_table_follows_each_answer_and_the_undo_notice_goes_when_moving_on(
        live: tuple[str, object], browser: object) -> None:
    base, _ = live
    page = _review(browser, base, "admin")
    assert page.locator(_cell("admin", "submitted")).count() == 0, "no answers yet, no row"
    page.keyboard.press("1")
    page.wait_for_selector(_cell("admin", "submitted"))
    assert page.locator(_cell("admin", "submitted")).inner_text() == "1"
    page.keyboard.press("0")
    page.wait_for_function(f"() => document.querySelector(\"{_cell('admin', 'skipped')}\").textContent === '1'")
    page.keyboard.press("2")
    page.wait_for_function(f"() => document.querySelector(\"{_cell('admin', 'submitted')}\").textContent === '2'")
    page.keyboard.press("Backspace")
    page.wait_for_function("() => document.getElementById('review-status').textContent === '已撤销'")
    page.wait_for_function(f"() => document.querySelector(\"{_cell('admin', 'submitted')}\").textContent === '1'")
    assert page.locator(_cell("admin", "draft")).inner_text() == "1"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.getElementById('review-status').textContent === ''")
    # A click on a topic's button answers too, and the keyboard still works after it.
    page.locator("#review-choices button.choice[data-label='other']").click()
    page.wait_for_function(f"() => document.querySelector(\"{_cell('admin', 'submitted')}\").textContent === '2'")
    page.keyboard.press("3")
    page.wait_for_function(f"() => document.querySelector(\"{_cell('admin', 'submitted')}\").textContent === '3'")
    assert page.locator("#review-done-count").inner_text() == "3"
    page.close()


def test_label_set_2_offers_five_keys_and_asks_again_about_old_measures_first(
        live: tuple[str, object], browser: object, monkeypatch: pytest.MonkeyPatch) -> None:
    base, svc = live
    page = _review(browser, base, "rev")  # builds the items
    page.close()
    with svc.sessions() as db:  # type: ignore[attr-defined]
        item = db.scalars(select(AnnotationItem).where(AnnotationItem.section == "s1_overall")
                          .order_by(AnnotationItem.id.desc()).limit(1)).one()
        reviewer = db.scalar(select(User.id).where(User.username == "rev"))
    from service.web import annotation

    # An answer given while set 1 was in use (a deployment that reviewed before the v2 model came).
    with monkeypatch.context() as before_v2:
        before_v2.setattr(vocabulary, "LABEL_SET_VERSION", 1)
        before_v2.setattr(vocabulary, "LABELS", vocabulary.LABELS_V1)
        with svc.sessions() as db:  # type: ignore[attr-defined]
            annotation.answer(db, item.id, reviewer, "measure", "submitted")
    assert (vocabulary.LABEL_SET_VERSION, tuple(vocabulary.LABELS)) == (2, tuple(vocabulary.LABELS_V2))
    page = _review(browser, base, "rev")
    assert page.locator("#review-choices button.choice").count() == 5
    assert TOPIC_NAMES["practice"] in page.locator("#review-keys").inner_text()
    assert page.locator("#review-text").inner_text() == item.text, "the old measure comes first"
    note = page.locator("#review-recheck")
    assert note.is_visible() and TOPIC_NAMES["practice"] in note.inner_text()
    assert page.locator(_cell("rev", "recheck")).inner_text() == "1"
    page.keyboard.press("4")  # practice, the fourth of five
    page.wait_for_function(f"() => document.querySelector(\"{_cell('rev', 'recheck')}\").textContent === '0'")
    assert page.locator(_cell("rev", "submitted")).inner_text() == "1"
    assert not page.locator("#review-recheck").is_visible(), "the next sentence has no note"
    with svc.sessions() as db:  # type: ignore[attr-defined]
        trained = {a.key: a.label for a in annotation.training_answers(db)}
    assert trained[str(item.id)] == "practice"
    page.close()

// The review queue, driven by the keyboard: 1..n pick a topic of the current label set (the buttons do the
// same with the mouse), Enter accepts the suggestion, 0 skips, Backspace undoes the last answer, arrow keys move
// between sentences. The reviewers' progress table is redrawn from every answer's reply.
"use strict";
(() => {
  const app = document.getElementById("review-app");
  if (!app) { return; }
  const config = JSON.parse(document.getElementById("review-config").textContent);
  const $ = (id) => document.getElementById(id);
  const state = { items: [], pos: 0, done: 0, undo: [] };
  // Requests run one after another so fast typing keeps its order.
  let chain = Promise.resolve();

  function call(method, url, body) {
    const init = { method, headers: { "Accept": "application/json", "X-CSRF-Token": app.dataset.csrf },
                   credentials: "same-origin" };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then((r) => {
      if (!r.ok) { return r.json().catch(() => ({})).then((e) => { throw new Error(e.detail || r.status); }); }
      return r.json();
    });
  }

  function status(text) { $("review-status").textContent = text || ""; }

  // The columns come from the table's own header (data-key), so the page and this redraw cannot drift apart.
  function renderProgress(rows) {
    const table = $("review-progress");
    if (!table || !Array.isArray(rows) || !rows.length) { return; }
    const keys = Array.from(table.tHead.rows[0].cells).map((th) => th.dataset.key);
    const body = table.tBodies[0];
    body.replaceChildren(...rows.map((p) => {
      const tr = document.createElement("tr");
      tr.dataset.reviewer = p.reviewer;
      keys.forEach((key) => {
        const td = document.createElement("td");
        td.dataset.key = key;
        if (key !== "reviewer") { td.className = "num"; }
        td.textContent = p[key] === undefined || p[key] === null ? "" : String(p[key]);
        tr.appendChild(td);
      });
      return tr;
    }));
  }

  function render() {
    const item = state.items[state.pos];
    $("review-done-count").textContent = String(state.done);
    $("review-position").textContent = state.items.length
      ? `第 ${Math.min(state.pos + 1, state.items.length)} / ${state.items.length} 条` : "";
    $("review-card").hidden = !item;
    $("review-empty").hidden = Boolean(item);
    if (!item) { return; }
    app.dataset.item = String(item.id);
    $("review-report").textContent = item.report + (item.year ? `（${item.year}）` : "");
    $("review-section").textContent = item.section_label;
    $("review-before").textContent = item.before;
    $("review-text").textContent = item.text;
    $("review-after").textContent = item.after;
    $("review-recheck").textContent = item.recheck || "";
    $("review-recheck").hidden = !item.recheck;
    const sugg = item.suggestion;
    $("review-suggestion").textContent = sugg ? `${sugg.label_zh}（${sugg.confidence.toFixed(2)}）` : "无";
    $("review-model").textContent = sugg ? `模型 ${sugg.model_version}` : "";
    const answer = item.answer;
    $("review-answer").textContent = !answer ? "未答"
      : answer.status === "skipped" ? "已跳过"
      : `${config.topic_labels[answer.label] || "—"}（${answer.status === "submitted"
        ? (item.recheck ? "已提交，待重新判断" : "已提交") : "草稿"}）`;
    $("review-answer").dataset.status = answer ? answer.status : "";
    document.querySelectorAll("#review-choices li").forEach((li) => {
      const label = li.dataset.label;
      li.classList.toggle("suggested", Boolean(sugg) && sugg.label === label);
      li.classList.toggle("chosen", Boolean(answer) && answer.status === "submitted" && answer.label === label);
      const p = sugg && sugg.scores ? sugg.scores[label] : undefined;
      li.querySelector(".p").textContent = p === undefined ? "" : p.toFixed(2);
    });
  }

  function load() {
    status("加载中…");
    return call("GET", "/api/review/queue" + (app.dataset.query ? `?${app.dataset.query}` : ""))
      .then((data) => { state.items = data.items; state.pos = 0; status(""); render(); renderProgress(data.progress); })
      .catch((e) => status(`加载失败：${e.message}`));
  }

  function answer(label, kind) {
    const item = state.items[state.pos];
    if (!item) { return Promise.resolve(); }
    return call("POST", `/api/review/items/${item.id}/answer`, { label, status: kind })
      .then((row) => {
        item.answer = { label: row.label, status: row.status };
        if (row.status !== "draft") { item.recheck = null; }  // answered again, under the current label set
        renderProgress(row.progress);
        state.undo.push(item.id);
        if (row.status === "submitted") { state.done += 1; }
        state.pos += 1;
        status("");
        if (state.pos >= state.items.length) { return load(); }
        render();
        return undefined;
      })
      .catch((e) => status(`保存失败：${e.message}`));
  }

  function undo() {
    const id = state.undo.pop();
    if (id === undefined) { status("没有可撤销的答复"); return Promise.resolve(); }
    return call("POST", `/api/review/items/${id}/undo`).then((data) => {
      renderProgress(data.progress);
      const index = state.items.findIndex((it) => it.id === id);
      const previous = index >= 0 ? state.items[index].answer : null;
      if (previous && previous.status === "submitted") { state.done = Math.max(0, state.done - 1); }
      const restored = data.answer ? { label: data.answer.label, status: data.answer.status } : null;
      if (index < 0) {
        // The item left the list when the next batch loaded: reloading offers it again (it is a draft now).
        return load();
      }
      state.items[index].answer = restored;
      state.pos = index;
      status("已撤销");
      render();
      return undefined;
    }).catch((e) => status(`撤销失败：${e.message}`));
  }

  function move(step) {
    state.pos = Math.max(0, Math.min(state.items.length - 1, state.pos + step));
    status("");  // a notice ("已撤销") speaks of the sentence it was given on
    render();
  }

  document.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target && ["INPUT", "SELECT", "TEXTAREA", "BUTTON"].includes(target.tagName)) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    const key = event.key;
    let action = null;
    if (/^[1-9]$/.test(key) && Number(key) <= config.labels.length) {
      const label = config.labels[Number(key) - 1];
      action = () => answer(label, "submitted");
    } else if (key === "Enter") {
      action = () => {
        const item = state.items[state.pos];
        if (item && item.suggestion) { return answer(item.suggestion.label, "submitted"); }
        status("这句没有模型建议，请用数字键选择");
        return undefined;
      };
    } else if (key === "0" || key === "s") {
      action = () => answer(null, "skipped");
    } else if (key === "Backspace") {
      action = undo;
    } else if (key === "ArrowRight" || key === "ArrowDown") {
      action = () => move(1);
    } else if (key === "ArrowLeft" || key === "ArrowUp") {
      action = () => move(-1);
    }
    if (action) {
      event.preventDefault();
      chain = chain.then(action);
    }
  });

  document.querySelectorAll("#review-choices button.choice").forEach((button) => {
    button.addEventListener("click", () => {
      // Hand the keyboard back to the page: keys pressed on a focused button are not read as answers.
      button.blur();
      chain = chain.then(() => answer(button.dataset.label, "submitted"));
    });
  });

  chain = chain.then(load);
})();


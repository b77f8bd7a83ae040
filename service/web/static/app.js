// Small progressive enhancements; every page works without this script.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Job and retraining-run pages reload themselves until every job has finished.
  const pending = document.getElementById("jobs-pending") || document.getElementById("run-pending");
  if (pending) {
    const seconds = Number(pending.dataset.refresh || "2");
    setTimeout(() => window.location.reload(), seconds * 1000);
  }
  // The upload form's own Chinese file button: say which files are chosen.
  const files = document.getElementById("upload-files");
  const chosen = document.getElementById("upload-chosen");
  if (files && chosen) {
    const show = () => {
      const names = Array.from(files.files).map((f) => f.name);
      chosen.textContent = names.length ? `已选择 ${names.length} 个文件：${names.join("、")}` : "未选择文件";
    };
    files.addEventListener("change", show);
    show();
  }
  // Clicking a cell named in a finding scrolls to it and makes it flash.
  document.querySelectorAll(".evidence a").forEach((link) => {
    link.addEventListener("click", () => {
      const target = document.querySelector(link.getAttribute("href"));
      if (target) { target.animate([{ opacity: 0.3 }, { opacity: 1 }], { duration: 600, iterations: 2 }); }
    });
  });
});

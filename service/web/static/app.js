// Small progressive enhancements; every page works without this script.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Job and retraining-run pages reload themselves until every job has finished.
  const pending = document.getElementById("jobs-pending") || document.getElementById("run-pending");
  if (pending) {
    const seconds = Number(pending.dataset.refresh || "2");
    setTimeout(() => window.location.reload(), seconds * 1000);
  }
  // Clicking a cell named in a finding scrolls to it and makes it flash.
  document.querySelectorAll(".evidence a").forEach((link) => {
    link.addEventListener("click", () => {
      const target = document.querySelector(link.getAttribute("href"));
      if (target) { target.animate([{ opacity: 0.3 }, { opacity: 1 }], { duration: 600, iterations: 2 }); }
    });
  });
});

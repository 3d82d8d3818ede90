// Results: "Show only the N not right" filters the list in place (the link works without
// JavaScript too, as a page of its own); a question picked in the grid is always shown.
(function () {
  "use strict";
  const toggle = document.getElementById("filter-toggle");
  const list = document.getElementById("results-list");
  if (!toggle || !list) return;
  const labels = {
    all: toggle.dataset.state === "all" ? toggle.textContent : null,
    wrong: toggle.dataset.state === "wrong" ? toggle.textContent : null,
  };
  const wrongCount = list.querySelectorAll('.result-row:not([data-verdict="correct"])').length;
  const total = list.querySelectorAll(".result-row").length;
  labels.all = labels.all || "Show only the " + wrongCount + " not right";
  labels.wrong = labels.wrong || "Show all " + total + " questions";

  function set(wrongOnly) {
    list.classList.toggle("wrong-only", wrongOnly);
    toggle.dataset.state = wrongOnly ? "wrong" : "all";
    toggle.textContent = wrongOnly ? labels.wrong : labels.all;
    const url = new URL(window.location.href);
    if (wrongOnly) url.searchParams.set("show", "wrong"); else url.searchParams.delete("show");
    window.history.replaceState(null, "", url);
  }

  toggle.setAttribute("role", "button");
  toggle.addEventListener("click", function (event) {
    event.preventDefault();
    set(toggle.dataset.state === "all");
  });
  document.getElementById("result-grid").addEventListener("click", function (event) {
    const link = event.target.closest("a");
    const row = link && document.querySelector(link.getAttribute("href"));
    if (row && row.dataset.verdict === "correct" && list.classList.contains("wrong-only")) set(false);
  });
})();

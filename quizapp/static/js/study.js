// Keyboard-first reviewer: Space (or a tap on the card) shows the answer, 1-4 grade, u undoes,
// s suspends, b buries. In two-button mode only 1 (Again) and 3 (Good) grade, and Space then
// means Good. Cards change in place (fetch + JSON); without JavaScript the same forms and links
// work.
(function () {
  "use strict";
  const root = document.getElementById("reviewer");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const gradeForm = $("grade-form");
  const undoForm = $("undo-form");
  const status = $("study-status");
  const csrf = gradeForm.querySelector("input[name=csrf_token]").value;
  let revealed = !$("back").hidden;
  let shownAt = Date.now();
  let busy = false;
  // The grades the page offers (two-button mode offers Again and Good only).
  const offered = Array.from(gradeForm.querySelectorAll("button[name=rating]"), function (b) {
    return b.value;
  });
  const twoButtons = offered.length === 2;

  function setHidden(id, hidden) { const node = $(id); if (node) node.hidden = hidden; }

  function reveal() {
    if (revealed || $("study-card").hidden) return;
    revealed = true;
    setHidden("back", false);
    setHidden("divider", false);
    setHidden("reveal-bar", true);
    setHidden("grade-form", false);
    setHidden("grade-help", false);
    gradeForm.querySelector("button.grade-3").focus();
  }

  function showProgress(progress) {
    const bar = $("study-progress");
    const total = progress.done + progress.left;
    bar.max = Math.max(total, 1);
    bar.value = total ? progress.done : 1;
    const words = progress.done + " reviewed, " + progress.left + " left";
    bar.setAttribute("aria-valuetext", words);
    bar.textContent = words;
  }

  function render(data) {
    const counts = data.counts;
    $("count-new").textContent = counts.new;
    $("count-learning").textContent = counts.learning;
    $("count-due").textContent = counts.due;
    if (data.review_id !== undefined) {
      undoForm.querySelector("input[name=review_id]").value = data.review_id || "";
      undoForm.hidden = !data.review_id;
    }
    status.textContent = data.message || "";
    if (data.progress) showProgress(data.progress);
    const card = data.card;
    setHidden("study-card", !card);
    setHidden("done", !!card);
    if (!card) {
      // The session's summary, rendered (and escaped) by the server.
      if (data.summary) $("done").innerHTML = data.summary;
      $("done").focus();
      return;
    }
    // front and back are HTML the server rendered from Markdown and sanitised.
    $("front").innerHTML = card.front;
    $("back").innerHTML = card.back;
    $("card-bank").textContent = card.bank;
    $("card-cue").textContent = card.cue || "";
    $("card-cue").hidden = !card.cue;
    $("card-info").href = card.info;
    gradeForm.querySelector("input[name=card_id]").value = card.id;
    gradeForm.querySelector("input[name=version]").value = card.version;
    gradeForm.querySelectorAll(".interval").forEach(function (label) {
      label.textContent = card.intervals[label.dataset.grade];
    });
    ["suspend-form", "bury-form"].forEach(function (id) {
      const form = $(id);
      form.action = form.action.replace(/\/card\/\d+\//, "/card/" + card.id + "/");
    });
    revealed = false;
    setHidden("back", true);
    setHidden("divider", true);
    setHidden("grade-form", true);
    setHidden("grade-help", true);
    setHidden("reveal-bar", false);
    $("show-answer").focus();
    shownAt = Date.now();
  }

  async function post(url, fields) {
    if (busy) return;
    busy = true;
    root.dataset.busy = "true";  // for tests: a grade is on its way
    const body = new FormData();
    body.set("csrf_token", csrf);
    Object.keys(fields).forEach(function (key) { body.set(key, fields[key]); });
    try {
      const response = await fetch(url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": "application/json" },
      });
      render(await response.json());
    } catch (error) {
      status.textContent = "Could not reach the server; nothing was recorded. Try again.";
    } finally {
      busy = false;
      delete root.dataset.busy;
    }
  }

  function grade(rating) {
    if (!revealed) return;
    // The meaning of the grades was explained until this first one.
    const help = $("grade-help");
    if (help) help.remove();
    post(root.dataset.gradeUrl, {
      card_id: gradeForm.querySelector("input[name=card_id]").value,
      version: gradeForm.querySelector("input[name=version]").value,
      rating: rating,
      duration_ms: Date.now() - shownAt,
    });
  }

  function undo() {
    const id = undoForm.querySelector("input[name=review_id]").value;
    if (id) post(root.dataset.undoUrl, { review_id: id });
  }

  function cardAction(formId) {
    if (!$("study-card").hidden) post($(formId).action, {});
  }

  $("show-answer").addEventListener("click", function (event) { event.preventDefault(); reveal(); });
  $("flashcard").addEventListener("click", function (event) {
    if (!event.target.closest("a")) reveal();
  });
  gradeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    grade(event.submitter ? event.submitter.value : 3);
  });
  undoForm.addEventListener("submit", function (event) { event.preventDefault(); undo(); });
  ["suspend-form", "bury-form"].forEach(function (id) {
    $(id).addEventListener("submit", function (event) { event.preventDefault(); cardAction(id); });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.matches("input, textarea, select")) return;
    const key = event.key;
    if (key === " " || (key === "Enter" && !revealed)) {
      if (!revealed) { event.preventDefault(); reveal(); }
      // Two buttons: Space is Good, unless it presses the button or link that has the focus.
      else if (twoButtons && key === " " && !event.target.closest("button, a")) {
        event.preventDefault(); grade("3");
      }
    } else if (offered.includes(key)) {
      event.preventDefault(); grade(key);
    } else if (key === "u") {
      event.preventDefault(); undo();
    } else if (key === "s") {
      event.preventDefault(); cardAction("suspend-form");
    } else if (key === "b") {
      event.preventDefault(); cardAction("bury-form");
    }
  });

  // Focus where the next key press goes: Show answer, or Good once the answer shows.
  if (!$("study-card").hidden) {
    (revealed ? gradeForm.querySelector("button.grade-3") : $("show-answer")).focus();
  }

  // First visit: take the browser's time zone so "today" is the student's today.
  if (root.dataset.timezoneSet === "false" && window.Intl) {
    const body = new FormData();
    body.set("csrf_token", csrf);
    body.set("timezone", Intl.DateTimeFormat().resolvedOptions().timeZone || "");
    fetch(root.dataset.timezoneUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function () { root.dataset.timezoneSet = "true"; })
      .catch(function () {});
  }
})();

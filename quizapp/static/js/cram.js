// Cram in place: Space (or a tap on the card) shows the answer, 1 marks it "still learning",
// 2 "know"; each mark is saved and the next card shown without a page load, and the round's
// summary too. Without JavaScript the same links and forms do it page by page.
(function () {
  "use strict";
  const root = document.getElementById("cram");
  if (!root) return;
  const $ = (id) => document.getElementById(id);
  const markForm = $("mark-form");
  const roundForm = $("round-form");
  const csrf = markForm.querySelector("input[name=csrf_token]").value;
  let revealed = !$("back").hidden;
  let busy = false;

  function reveal() {
    if (revealed || $("cram-card").hidden) return;
    revealed = true;
    $("back").hidden = false;
    $("divider").hidden = false;
    $("reveal-bar").hidden = true;
    markForm.hidden = false;
    $("know").focus();
  }

  function render(data) {
    const cram = data.cram;
    $("cram-message").textContent = data.message || "";
    $("cram-round").textContent = cram.round;
    const progress = $("cram-progress");
    progress.max = cram.total;
    progress.value = cram.done;
    progress.setAttribute("aria-label", "Cards done this round: " + cram.done + " of " + cram.total);
    roundForm.querySelector("input[name=round]").value = cram.round;
    const card = data.card;
    $("cram-card").hidden = !card;
    $("cram-result").hidden = !!card;
    if (card) {
      $("cram-place").textContent = "card " + (cram.done + 1) + " of " + cram.total;
      // front and back are HTML the server rendered from Markdown and sanitised.
      $("front").innerHTML = card.front;
      $("back").innerHTML = card.back;
      $("cram-cue").textContent = card.cue || "";
      $("cram-cue").hidden = !card.cue;
      markForm.querySelector("input[name=at]").value = cram.at;
      markForm.querySelector("input[name=card_id]").value = card.id;
      revealed = false;
      $("back").hidden = true;
      $("divider").hidden = true;
      markForm.hidden = true;
      $("reveal-bar").hidden = false;
      $("show-answer").focus();
      return;
    }
    const result = data.result;
    $("cram-place").textContent = cram.total + " of " + cram.total + " done";
    $("cram-result-heading").textContent = result.finished ? "You know every card" : "Round " + result.round + " done";
    $("cram-round-line").textContent = result.known + " of " + result.marked + " known this round" +
      (result.learning ? "; " + result.learning + " still learning." : ".");
    const [known, marked] = cram.score;
    $("cram-score").textContent = "Score: " + known + " of " + marked + " known the first time through (" +
      (marked ? Math.round(100 * known / marked) : 0) + "%).";
    roundForm.hidden = !result.learning;
    roundForm.querySelector("[data-field=learning]").textContent = result.learning;
    $("cram-result").focus();
  }

  async function post(url, fields) {
    if (busy) return;
    busy = true;
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
      $("cram-message").textContent = "Could not reach the server; nothing was recorded. Try again.";
    } finally {
      busy = false;
    }
  }

  function mark(known) {
    if (!revealed || $("cram-card").hidden) return;
    post(root.dataset.markUrl, {
      at: markForm.querySelector("input[name=at]").value,
      card_id: markForm.querySelector("input[name=card_id]").value,
      known: known,
    });
  }

  $("show-answer").addEventListener("click", function (event) { event.preventDefault(); reveal(); });
  $("cram-flashcard").addEventListener("click", reveal);
  markForm.addEventListener("submit", function (event) {
    event.preventDefault();
    mark(event.submitter ? event.submitter.value : "1");
  });
  roundForm.addEventListener("submit", function (event) {
    event.preventDefault();
    post(root.dataset.roundUrl, { round: roundForm.querySelector("input[name=round]").value });
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.matches("input, textarea, select")) return;
    if (event.key === " " && !revealed && !$("cram-card").hidden) {
      event.preventDefault(); reveal();
    } else if (event.key === "1" || event.key === "2") {
      event.preventDefault(); mark(event.key === "2" ? "1" : "0");
    }
  });

  if (!$("cram-card").hidden && !revealed) $("show-answer").focus();
  else if (!$("cram-result").hidden) $("cram-result").focus();
})();

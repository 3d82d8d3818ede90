// Authoring: a problem's "line N" link puts the caret on that line of the file's editor, and
// the question form shows the question as students will see it while it is being typed
// (the server renders it; without JavaScript, "Check and preview" does the same).
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.goto-line");
    if (!link) return;
    const editor = document.getElementById(link.dataset.editor);
    if (!editor) return;
    event.preventDefault();
    const lines = editor.value.split("\n");
    const line = Math.min(Number(link.dataset.line), lines.length) - 1;
    const start = lines.slice(0, line).reduce(function (sum, text) { return sum + text.length + 1; }, 0);
    editor.focus();
    editor.setSelectionRange(start, start + lines[line].length);
    // Scroll the box so the line shows: its share of the text times the box's height.
    editor.scrollTop = Math.max(0, (line / lines.length) * editor.scrollHeight - editor.clientHeight / 2);
  });

  const form = document.querySelector("form[data-preview-url]");
  const target = document.getElementById("live-preview");
  if (!form || !target) return;
  let timer = null;
  let sent = 0;

  function refresh() {
    const mine = ++sent;
    const body = new FormData(form);
    body.delete("action");
    fetch(form.dataset.previewUrl, {
      method: "POST",
      body: body,
      headers: { "Accept": "text/html" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.ok ? response.text() : null;
    }).then(function (html) {
      if (html !== null && mine === sent) {  // an older answer never replaces a newer one
        target.innerHTML = html;
        target.setAttribute("aria-busy", "false");
      }
    }).catch(function () { /* keep the last preview; the button still works */ });
  }

  form.addEventListener("input", function () {
    target.setAttribute("aria-busy", "true");
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();

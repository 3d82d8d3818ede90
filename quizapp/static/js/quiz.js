// Quiz pages: exam countdown and autosave, the keyboard of practice (focus, 1-9, Enter),
// a check that something was answered, confirmation before an irreversible step.
// Everything here is an enhancement; the forms work without JavaScript.
(function () {
  "use strict";
  const form = document.getElementById("question-form");
  const stepField = document.getElementById("step");
  const controls = document.getElementById("answer-controls");

  function typing(target) {
    return target.matches("input[type=text], input:not([type]), textarea, select");
  }

  function answerFields() {
    return controls ? Array.from(controls.querySelectorAll("input, select, textarea")) : [];
  }

  function hasAnswer() {
    return answerFields().some(function (field) {
      if (field.type === "radio" || field.type === "checkbox") return field.checked;
      return field.value.trim() !== "";
    });
  }

  // ---- Countdown: the server enforces the deadline; this shows it and submits at zero. ----
  const countdown = document.getElementById("countdown");
  if (countdown) {
    const deadline = Date.parse(countdown.dataset.deadline);
    const warnAt = Number(countdown.dataset.warn) || 60;
    const alert = document.getElementById("timer-alert");
    let warned = countdown.classList.contains("warning");
    const tick = function () {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      countdown.textContent = minutes + ":" + seconds + " left";
      if (left <= warnAt) {
        countdown.classList.add("warning");
        if (!warned && alert) {
          warned = true;
          alert.textContent = left >= 60 ? "One minute left." : left + " seconds left.";
        }
      }
      if (left === 0) {
        clearInterval(timer);
        countdown.textContent = "Time is up: submitting…";
        const submitForm = form || document.getElementById("submit-form");
        if (submitForm) {
          if (form) {
            // Send the answer on screen with the submit; the server accepts it only within
            // its grace period, and otherwise submits what was saved in time. Either way
            // the answer is a redirect to the results.
            const action = document.createElement("input");
            action.type = "hidden";
            action.name = "action";
            action.value = "submit";
            form.appendChild(action);
          }
          submitForm.submit();
        } else {
          window.location.reload();
        }
      }
    };
    const timer = setInterval(tick, 1000);
    tick();
  }

  // ---- Autosave (exams): save shortly after each change; the navigator follows. ----
  if (form && form.dataset.autosave) {
    const status = document.getElementById("autosave-status");
    const progress = document.getElementById("answered-progress");
    const position = Number(form.dataset.position);
    const navButton = form.querySelector('button[value="goto-' + position + '"]');
    let pending = null;
    let inFlight = false;
    const markAnswered = function () {
      const answered = hasAnswer();
      const was = navButton && /, answered$/.test(navButton.getAttribute("aria-label"));
      if (!navButton || answered === was) return;
      navButton.setAttribute("aria-label", "Question " + (position + 1) + (answered ? ", answered" : ", not answered"));
      let tickMark = navButton.querySelector("span");
      if (answered && !tickMark) {
        tickMark = document.createElement("span");
        tickMark.setAttribute("aria-hidden", "true");
        tickMark.textContent = "✓";
        navButton.appendChild(tickMark);
      } else if (!answered && tickMark) {
        tickMark.remove();
      }
      if (progress) {
        progress.value = Number(progress.value) + (answered ? 1 : -1);
        progress.setAttribute("aria-label", "Questions answered: " + progress.value + " of " + progress.max);
      }
    };
    const save = async function () {
      if (inFlight) { pending = setTimeout(save, 300); return; }
      inFlight = true;
      const data = new FormData(form);
      data.set("position", form.dataset.position);
      try {
        const response = await fetch(form.dataset.autosave, {
          method: "POST", body: data, credentials: "same-origin",
          headers: { "Accept": "application/json" },
        });
        const result = await response.json();
        if (result.ok) {
          stepField.value = result.step;
          status.textContent = "Saved";
          markAnswered();
        } else if (result.closed) {
          window.location.assign(result.results);
        } else {
          status.textContent = result.message;
        }
      } catch (error) {
        status.textContent = "Not saved yet (offline?); your answer is sent when you move on.";
      } finally {
        inFlight = false;
      }
    };
    form.addEventListener("input", function () {
      clearTimeout(pending);
      status.textContent = "Saving…";
      pending = setTimeout(save, 600);
    });
    form.addEventListener("submit", function () { clearTimeout(pending); });
  }

  // ---- Practice: focus where the student acts next, and keys like the flashcard screen. ----
  const heading = document.getElementById("feedback-heading");
  const first = answerFields().find(function (field) { return !field.disabled; });
  if (heading) {
    heading.focus();  // the verdict is read out; Enter goes on
  } else if (first) {
    first.focus({ preventScroll: false });
  }

  function next() {
    return document.getElementById("next-question") || document.getElementById("finish");
  }

  function showError(message) {
    const error = document.getElementById("answer-error");
    if (!error) return;
    error.textContent = message;
    error.hidden = false;
    controls.setAttribute("aria-describedby", "answer-error");
    answerFields().forEach(function (field) { field.setAttribute("aria-invalid", "true"); });
    if (first) first.focus();
  }

  if (form && !form.dataset.autosave) {
    form.addEventListener("submit", function (event) {
      const button = event.submitter;
      if (button && button.value === "check" && !hasAnswer()) {
        event.preventDefault();
        showError("Give an answer first, then check it, or choose “I don't know”.");
      }
    });
    controls && controls.addEventListener("input", function () {
      const error = document.getElementById("answer-error");
      if (error && error.textContent) {
        error.textContent = "";
        error.hidden = true;
        answerFields().forEach(function (field) { field.removeAttribute("aria-invalid"); });
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (!form || form.dataset.autosave) return;  // exams keep the browser's own keys
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    const answered = form.dataset.answered === "true";
    if (answered && (event.key === "Enter" || event.key === "ArrowRight")) {
      if (target.matches("a, button") && event.key === "Enter") return;  // the browser's own
      const go = next();
      if (go) { event.preventDefault(); go.click(); }
      return;
    }
    if (answered || typing(target) || !/^[1-9]$/.test(event.key)) return;
    const options = answerFields().filter(function (field) {
      return field.type === "radio" || field.type === "checkbox";
    });
    const option = options[Number(event.key) - 1];
    if (!option || option.disabled) return;
    event.preventDefault();
    option.checked = option.type === "radio" ? true : !option.checked;
    option.focus();
    option.dispatchEvent(new Event("input", { bubbles: true }));
  });

  // ---- Ordering: warn when one item is picked for two positions. ----
  const duplicates = document.getElementById("ordering-duplicates");
  if (duplicates) {
    const slots = Array.from(controls.querySelectorAll("select[name^='order-']"));
    const warn = function () {
      const seen = new Map();
      slots.forEach(function (slot) {
        if (!slot.value) return;
        const label = slot.options[slot.selectedIndex].text;
        seen.set(label, (seen.get(label) || 0) + 1);
      });
      const twice = Array.from(seen.keys()).filter(function (label) { return seen.get(label) > 1; });
      duplicates.textContent = twice.length
        ? "Picked for more than one position: " + twice.map(function (l) { return "“" + l + "”"; }).join(", ") + "."
        : "";
    };
    slots.forEach(function (slot) { slot.addEventListener("change", warn); });
  }

  // ---- Confirm before an irreversible step (starting an exam). ----
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
})();

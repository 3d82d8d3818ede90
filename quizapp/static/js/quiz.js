// Quiz page behaviour: exam countdown, autosave, confirmation before submitting.
// Everything here is an enhancement; the forms work without JavaScript.
(function () {
  "use strict";
  const form = document.getElementById("question-form");
  const stepField = document.getElementById("step");

  // Countdown: the server enforces the deadline; this only shows it and submits at zero.
  const countdown = document.getElementById("countdown");
  if (countdown) {
    const deadline = Date.parse(countdown.dataset.deadline);
    const tick = function () {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      countdown.textContent = minutes + ":" + seconds + " left";
      if (left <= 60) countdown.classList.add("text-danger", "fw-bold");
      if (left === 0) {
        clearInterval(timer);
        countdown.textContent = "Time is up: submitting…";
        if (form) {
          // Send the answer on screen with the submit; the server accepts it only within
          // its grace period, and otherwise submits what was saved in time.
          const action = document.createElement("input");
          action.type = "hidden";
          action.name = "action";
          action.value = "submit";
          form.appendChild(action);
          form.submit();
        } else {
          window.location.reload();
        }
      }
    };
    const timer = setInterval(tick, 1000);
    tick();
  }

  // Autosave (exam mode): save the current answer shortly after each change.
  if (form && form.dataset.autosave) {
    const status = document.getElementById("autosave-status");
    let pending = null;
    let inFlight = false;
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

  // Confirm before an irreversible submit.
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
})();

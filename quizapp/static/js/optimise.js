// The optimiser's progress bar: asks for the run's status twice a second and moves the bar;
// when the run ends, the page reloads to show what it found. Without JavaScript the page
// refreshes itself instead (a <noscript> meta refresh).
(function () {
  "use strict";
  const root = document.getElementById("optimise-progress");
  if (!root) return;
  const bar = document.getElementById("optimise-bar");
  const status = document.getElementById("optimise-status");

  function poll() {
    fetch(root.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (run) {
        bar.max = run.total;
        bar.value = run.done;
        status.textContent = "Fitting FSRS to your reviews: step " + run.done + " of " + run.total + ".";
        if (run.working) {
          setTimeout(poll, 500);
        } else {
          window.location.reload();
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 300);
})();

// Cram: Space (or Enter) follows the visible "Show answer" / "Next card" link.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.key !== " " && event.key !== "Enter") return;
    const link = document.querySelector("#cram-actions a");
    if (link) { event.preventDefault(); link.click(); }
  });
})();

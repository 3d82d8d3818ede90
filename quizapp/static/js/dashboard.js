// The year of study days scrolls inside its box on a phone: show the latest weeks first.
(function () {
  "use strict";
  const box = document.getElementById("heatmap-box");
  if (box) box.scrollLeft = box.scrollWidth;
})();

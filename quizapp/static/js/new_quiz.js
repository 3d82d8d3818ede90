// The time limit belongs to exams: it shows only when Exam is picked, and then starts at a
// minute a question. Without JavaScript the field is always there, and the server says when
// it does not apply.
(function () {
  "use strict";
  const limit = document.querySelector("input[name=time_limit]");
  const count = document.querySelector("input[name=count]");
  const modes = document.querySelectorAll("input[name=mode]");
  if (!limit || !modes.length) return;
  const wrapper = limit.closest(".mb-3") || limit;
  function update() {
    const exam = document.querySelector("input[name=mode]:checked");
    const isExam = !!exam && exam.value === "exam";
    wrapper.hidden = !isExam;
    limit.disabled = !isExam;  // a disabled field is not sent, so practice never trips on it
    if (isExam && !limit.value && count && count.value) limit.value = count.value;
  }
  modes.forEach(function (mode) { mode.addEventListener("change", update); });
  update();
})();

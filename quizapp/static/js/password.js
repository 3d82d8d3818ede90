// "Show password": the box is in the page hidden, for scripts to offer; it turns every password
// field of its form to plain text and back. Without JavaScript the fields stay masked.
(function () {
  "use strict";
  document.querySelectorAll("[data-show-password]").forEach(function (wrapper) {
    const box = wrapper.querySelector("input[type=checkbox]");
    const fields = wrapper.closest("form").querySelectorAll("input[type=password]");
    wrapper.hidden = false;
    box.addEventListener("change", function () {
      fields.forEach(function (field) { field.type = box.checked ? "text" : "password"; });
    });
  });
})();

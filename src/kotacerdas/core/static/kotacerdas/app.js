// Kota Cerdas: small progressive enhancements. No inline scripts anywhere (strict CSP).
(function () {
  "use strict";
  // Submit a form when one of its [data-autosubmit] controls changes.
  document.addEventListener("change", function (event) {
    var control = event.target.closest("[data-autosubmit]");
    if (control && control.form && !control.hasAttribute("hx-get") && !control.hasAttribute("hx-post")) {
      control.form.requestSubmit();
    }
  });
  // Ask for confirmation on buttons that carry [data-confirm].
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
})();

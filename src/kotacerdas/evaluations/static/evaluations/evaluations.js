// Kota Cerdas, evaluations: autosave status, "not applicable" toggles, "select all" boxes.
// Driven by data-* attributes only (strict CSP: no inline scripts or handlers).
(function () {
  "use strict";

  // A refused autosave (invalid 422, stale 409, locked 423) carries a message for the user:
  // let htmx put it into the indicator's status instead of dropping it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422 || status === 423) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A failed request (network down, server error): say so next to the indicator.
  document.addEventListener("htmx:sendError", showFailure);
  document.addEventListener("htmx:responseError", showFailure);
  function showFailure(event) {
    var form = event.target.closest("[data-autosave]");
    if (!form) { return; }
    var status = form.querySelector(".autosave-status");
    if (status) {
      status.textContent = status.getAttribute("data-failed") || "Gagal menyimpan; periksa sambungan lalu ubah isian lagi.";
      status.classList.add("autosave-error");
    }
  }

  // While saving, show "menyimpan…".
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest("[data-autosave]");
    if (!form) { return; }
    var status = form.querySelector(".autosave-status");
    if (status) {
      status.classList.remove("autosave-error");
      status.textContent = status.getAttribute("data-saving") || "menyimpan…";
    }
  });

  // "Not applicable" disables the value inputs of its indicator.
  function syncNotApplicable(box) {
    var form = box.closest("form");
    if (!form) { return; }
    form.querySelectorAll("[name=value]").forEach(function (input) {
      input.disabled = box.checked || box.disabled;
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-not-applicable]")) { syncNotApplicable(event.target); }
    var all = event.target.closest("[data-check-all]");
    if (all) {
      var form = all.closest("form") || document;
      form.querySelectorAll("input[type=checkbox][name=" + all.getAttribute("data-check-all") + "]").forEach(function (box) {
        box.checked = all.checked;
      });
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-not-applicable]").forEach(syncNotApplicable);
  });
})();

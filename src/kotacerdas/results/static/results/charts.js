// Kota Cerdas: draw the Vega-Lite charts of a page (strict CSP: no inline script, no eval).
// A chart is <div data-chart-spec="ID"> whose spec sits in <script type="application/json" id="ID">.
// vega-embed's `ast: true` makes Vega use its expression interpreter instead of new Function().
(function () {
  "use strict";

  function render(element) {
    if (element.hasAttribute("data-chart-rendered") || !window.vegaEmbed) {
      return;
    }
    var source = document.getElementById(element.getAttribute("data-chart-spec"));
    if (!source) {
      return;
    }
    var payload = JSON.parse(source.textContent);
    var options = {
      ast: true,
      actions: false,
      renderer: "svg",
      defaultStyle: false,
      formatLocale: payload.formatLocale,
      tooltip: { disableDefaultStyle: true }
    };
    if (window.vega && window.vega.expressionInterpreter) {
      options.expr = window.vega.expressionInterpreter;
    }
    element.setAttribute("data-chart-rendered", "pending");
    window.vegaEmbed(element, payload.spec, options).then(
      function () {
        element.setAttribute("data-chart-rendered", "true");
      },
      function (error) {
        element.setAttribute("data-chart-rendered", "error");
        element.setAttribute("data-chart-error", String(error));
      }
    );
  }

  function renderAll(root) {
    root.querySelectorAll("[data-chart-spec]").forEach(render);
  }

  document.addEventListener("DOMContentLoaded", function () {
    renderAll(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    renderAll(event.target);
  });
})();

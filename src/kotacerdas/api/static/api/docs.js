// Starts Swagger UI on the API documentation page. A static file, configured by data-* attributes,
// because the strict CSP (script-src 'self') forbids the inline script of the stock page.
(function () {
  "use strict";
  function start() {
    var node = document.getElementById("swagger-ui");
    if (!node || typeof window.SwaggerUIBundle !== "function") {
      return;
    }
    var csrfToken = node.getAttribute("data-csrf-token");
    window.ui = window.SwaggerUIBundle({
      url: node.getAttribute("data-schema-url"),
      dom_id: "#swagger-ui",
      presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIStandalonePreset],
      layout: "BaseLayout",
      deepLinking: true,
      validatorUrl: null,
      persistAuthorization: false,
      requestInterceptor: function (request) {
        // Session requests from this page need the CSRF token for unsafe methods.
        if (request.method && request.method !== "GET" && csrfToken) {
          request.headers["X-CSRFToken"] = csrfToken;
        }
        return request;
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

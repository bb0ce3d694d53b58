/* The API reference: Redoc (vendored from npm) rendering this service's own OpenAPI document. */
(function () {
  "use strict";
  window.Redoc.init("v1/openapi.json", { hideDownloadButton: false, disableSearch: false, expandResponses: "" },
    document.getElementById("redoc"));
})();

/* scidip-kg: report every error into the page (for people, and for headless tests). */
(function () {
  "use strict";
  var errors = [];
  window.kgErrors = errors;
  function report(message) {
    errors.push(String(message));
    var box = document.getElementById("kg-errors");
    if (box) {
      box.hidden = false;
      box.textContent += String(message) + "\n";
    }
    document.body.dataset.errors = String(errors.length);
  }
  window.kgReportError = report;
  window.addEventListener("error", function (e) {
    var what = e.message || (e.target && (e.target.src || e.target.href)) || "a resource failed to load";
    report("error: " + what + (e.filename ? " (" + e.filename + ":" + e.lineno + ")" : ""));
  }, true);
  window.addEventListener("unhandledrejection", function (e) {
    report("unhandled rejection: " + (e.reason && e.reason.message ? e.reason.message : e.reason));
  });
  document.addEventListener("securitypolicyviolation", function (e) {
    report("blocked by the page's security policy: " + e.violatedDirective + " " + (e.blockedURI || ""));
  });
  var original = console.error;
  console.error = function () {
    report("console.error: " + Array.prototype.map.call(arguments, String).join(" "));
    return original.apply(console, arguments);
  };
  document.body.dataset.errors = "0";
})();

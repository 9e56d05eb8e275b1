// The click actions of great-expectations' Data Docs pages ("Clear Filters", "Show All",
// "Failed Only"). GX writes them as onclick attributes; etl/quality/docs.py turns those into
// data-cpd-action attributes and this file binds them, so the pages' Content-Security-Policy
// can refuse every inline script and handler. The functions called are GX's own, defined by
// the page's scripts.
document.addEventListener("DOMContentLoaded", function () {
  var actions = {
    "clear-filters": function (el) { window.clearTableFilters(el.getAttribute("data-cpd-table")); },
    "show-all": function () { window.showAllValidations(); },
    "failed-only": function () { window.hideSucceededValidations(); }
  };
  document.querySelectorAll("[data-cpd-action]").forEach(function (el) {
    var action = actions[el.getAttribute("data-cpd-action")];
    if (action) {
      el.addEventListener("click", function () { action(el); });
    }
  });
});

/* The realization sheet: open the group holding a row that a link (or a refused save) points
   at, bring it into view and put the cursor in its first marked field. The anchor links work
   without this script for open groups; groups holding marked rows are rendered open. */
(function () {
  "use strict";
  function openTo(el) {
    for (var n = el; n; n = n.parentElement) {
      if (n.tagName === "DETAILS") { n.open = true; }
    }
  }
  function go(id) {
    var el = document.getElementById(id);
    if (!el) { return; }
    openTo(el);
    el.scrollIntoView({block: "start"});
    var field = el.querySelector(".has-error input, .has-error textarea") ||
      el.querySelector("input:not([type=hidden]), textarea") || el;
    field.focus({preventScroll: true});
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest('a[href^="#tag-"]');
    if (!link) { return; }
    event.preventDefault();
    var id = link.getAttribute("href").slice(1);
    if (window.history && window.history.pushState) { window.history.pushState(null, "", "#" + id); }
    go(id);
  });
  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("#tag-") === 0) { go(location.hash.slice(1)); }
  });
  var sheet = document.getElementById("lembar");
  var first = sheet && sheet.getAttribute("data-focus");
  if (first) {
    go(first);
  } else if (location.hash.indexOf("#tag-") === 0) {
    go(location.hash.slice(1));
  }
}());

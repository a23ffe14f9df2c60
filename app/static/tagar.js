/* Behaviour shared by every page, kept out of the HTML so that the Content-Security-Policy can
   forbid inline script. Each part works without the others, and every page works without it:
   - a form (or its submit button) with data-confirm="question" asks before it is sent;
   - the error summary of a refused form takes the focus, its links focus their field;
   - a form with data-dirty asks before the page is left with changes not yet sent (a quarter
     tab, a link, a reload); data-unsaved marks a form the server rendered again with values it
     has not stored, so leaving it asks from the start;
   - on a phone the main menu folds behind its button (without script it stays open);
   - on a phone the dashboard's filters fold under the figures;
   - a box that scrolls sideways can be reached and scrolled with the keyboard. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.className += (root.className ? " " : "") + "js";
  var leaving = false;

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;  // a button's own question wins (verify vs return)
    var question = (button && button.getAttribute && button.getAttribute("data-confirm")) ||
      (form && form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);

  // After the confirmation above: a form that is really sent carries its own changes along.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form || !form.hasAttribute) { return; }
    if (form.hasAttribute("data-dirty") || (event.submitter && event.submitter.form &&
        event.submitter.form.hasAttribute("data-dirty"))) {
      leaving = true;
    }
  });

  function tracked(el) {
    var form = el && (el.form || (el.closest && el.closest("form")));
    return form && form.hasAttribute("data-dirty") ? form : null;
  }
  function markDirty(event) {
    var form = tracked(event.target);
    if (form) { form.setAttribute("data-dirty", "1"); }
  }
  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);
  window.addEventListener("beforeunload", function (event) {
    if (leaving) { return; }
    var dirty = document.querySelector("form[data-dirty='1'], form[data-dirty][data-unsaved]");
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";  // older browsers show their own wording; ours is not used
      return "";
    }
  });

  function openTo(el) {
    for (var n = el; n; n = n.parentElement) {
      if (n.tagName === "DETAILS") { n.open = true; }
    }
  }
  // A box that scrolls sideways (a wide table on a narrow screen) must be reachable with the
  // keyboard to be scrolled (WCAG 2.1.1): it takes the focus and is named by its heading.
  function scrollableBoxes() {
    var boxes = document.querySelectorAll(".panel, .table-scroll");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("data-scroll-focus", "");
        if (!box.getAttribute("role")) { box.setAttribute("role", "region"); }
        var heading = box.querySelector("h2, h3, caption");
        if (!box.getAttribute("aria-label") && !box.getAttribute("aria-labelledby")) {
          box.setAttribute("aria-label", heading ? heading.textContent.trim() : "Tabel (geser)");
        }
      } else if (!scrolls && box.hasAttribute("data-scroll-focus")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("data-scroll-focus");
      }
    }
  }
  function ready() {
    scrollableBoxes();
    if (window.matchMedia && window.matchMedia("(max-width: 640px)").matches) {
      var folds = document.querySelectorAll("details.filter-fold");
      for (var f = 0; f < folds.length; f++) { folds[f].open = false; }
    }
    window.addEventListener("resize", scrollableBoxes);
    var summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", function (event) {
        var link = event.target.closest && event.target.closest("a[href^='#']");
        var field = link && document.getElementById(link.getAttribute("href").slice(1));
        if (!field) { return; }
        event.preventDefault();
        openTo(field);
        field.scrollIntoView({block: "center"});
        field.focus();
      });
    }
    var toggle = document.querySelector(".nav-toggle");
    var menu = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (menu) {
      toggle.addEventListener("click", function () {
        var open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
        menu.classList.toggle("open", open);
      });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());

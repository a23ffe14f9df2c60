/* Behaviour shared by every page, kept out of the HTML so that the Content-Security-Policy can
   forbid inline script. A form (or its submit button) with data-confirm="question" asks before it is sent. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;  // a button's own question wins (verify vs return)
    var question = (button && button.getAttribute && button.getAttribute("data-confirm")) ||
      (form && form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
}());

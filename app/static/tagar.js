/* Behaviour shared by every page, kept out of the HTML so that the Content-Security-Policy can
   forbid inline script. A form with data-confirm="question" asks before it is sent. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  }, true);
}());

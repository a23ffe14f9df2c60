// The 503 page's "Kembali": back in the history, where the browser still holds the form as typed.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-history-back]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { history.back(); });
  });
});

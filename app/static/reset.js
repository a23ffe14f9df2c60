// The reset link carries its code in the fragment (#t=...), which the browser never sends to
// the server: read it here, drop it from the address bar and history, and post it in the body.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("reset-code");
  var match = /^#t=([A-Za-z0-9_-]{10,100})$/.exec(window.location.hash);
  if (!form || !match) { return; }
  history.replaceState(null, "", window.location.pathname);
  form.querySelector("[name=code]").value = match[1];
  form.submit();
});

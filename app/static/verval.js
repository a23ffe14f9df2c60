/* Verval sheet (issue 28): each household's small form saves on its own with fetch, so a slow
   or dropped connection loses at most that one record, and says so. Without this script the
   forms post and redirect as usual. A failed request (network error or 5xx) is retried a few
   times, then marked "gagal, coba lagi"; a refused one (4xx) shows the server's reason.
   Saving the same status twice is harmless, so a retry after a lost answer is safe. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) { return; }
  var DELAYS = [800, 2000, 4000];

  function show(form, text, state) {
    var out = form.querySelector(".vv-state");
    if (out) { out.textContent = text; out.setAttribute("data-state", state); }
  }

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function send(url, body, attempt) {
    return fetch(url, {method: "POST", body: body, credentials: "same-origin",
                       headers: {"Accept": "application/json"}})
      .then(function (res) {
        if (res.status >= 500) { throw new Error("server " + res.status); }
        return res.json().then(function (data) { data.httpStatus = res.status; return data; });
      })
      .catch(function (err) {
        if (attempt >= DELAYS.length) { throw err; }
        return wait(DELAYS[attempt]).then(function () { return send(url, body, attempt + 1); });
      });
  }

  function markRow(data) {
    var item = document.getElementById("r" + data.row);
    if (!item) { return; }
    item.classList.add("done");
    var select = item.querySelector("select[name=status]");
    if (select) { select.value = data.status; }
    var form = item.querySelector("form");
    if (form) { show(form, "tersimpan", "ok"); }
  }

  function progress(data) {
    var box = document.getElementById("vv-progress");
    var count = document.getElementById("vv-recorded");
    if (box && count && typeof data.unrecorded === "number") {
      count.textContent = String(Number(box.getAttribute("data-total")) - data.unrecorded);
    }
  }

  function onSubmit(event) {
    var form = event.target;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    show(form, "menyimpan…", "busy");
    send(form.action, new FormData(form), 0).then(function (data) {
      if (data.ok) {
        show(form, data.message || "tersimpan", "ok");
        markRow(data);
        progress(data);
        var clear = form.getAttribute("data-clear");
        if (clear && form.elements[clear]) { form.elements[clear].value = ""; }
      } else {
        show(form, "gagal: " + (data.message || "periksa isian"), "error");
      }
    }).catch(function () {
      show(form, "gagal, coba lagi", "error");
    }).then(function () {
      if (button) { button.disabled = false; }
    });
  }

  var forms = document.querySelectorAll("form[data-verval]");
  for (var i = 0; i < forms.length; i++) { forms[i].addEventListener("submit", onSubmit); }
})();

/* Report builds: poll the state of every build still queued or running and show it in its row
   (progress bar, then the download link or the reason it failed). The build just requested
   (the page's #build-N) is downloaded as soon as it is done. Without JS a reload shows the same. */
(function () {
  "use strict";
  var INTERVAL = 1000;
  var rows = Array.prototype.slice.call(
    document.querySelectorAll("tr[data-build-status-url]"));
  var wanted = (window.location.hash.match(/^#build-(\d+)$/) || [])[1];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function pending(row) {
    var state = row.getAttribute("data-build-state");
    return state === "queued" || state === "running";
  }

  function render(row, s) {
    var cell = row.querySelector(".build-state");
    row.setAttribute("data-build-state", s.status);
    while (cell.firstChild) { cell.removeChild(cell.firstChild); }
    if (s.status === "done") {
      cell.appendChild(el("a", {"class": "btn", href: s.download_url}, "Unduh"));
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(el("small", {"class": "muted"},
                          Math.ceil((s.size || 0) / 1024) + " KB"));
      if (row.id === "build-" + wanted) {
        wanted = null;
        window.location.assign(s.download_url);
      }
    } else if (s.status === "failed") {
      cell.appendChild(el("strong", {}, s.status_label + ":"));
      cell.appendChild(document.createTextNode(" " + (s.error || "")));
    } else {
      var bar = el("progress", {max: "100", value: String(s.progress)}, s.progress + "%");
      cell.appendChild(bar);
      cell.appendChild(document.createTextNode(" "));
      cell.appendChild(el("span", {"class": "build-label"},
                          s.status_label + (s.status === "running" ? " " + s.progress + "%" : "")));
    }
  }

  function poll() {
    var open = rows.filter(pending);
    if (!open.length) { return; }
    Promise.all(open.map(function (row) {
      return fetch(row.getAttribute("data-build-status-url"), {
        credentials: "same-origin", headers: {"Accept": "application/json"}
      }).then(function (r) {
        if (r.ok) { return r.json(); }
        row.setAttribute("data-build-state", "unknown");  /* gone or refused: stop asking */
        return null;
      })
        .then(function (s) { if (s) { render(row, s); } })
        .catch(function () { /* the next round tries again */ });
    })).then(function () { window.setTimeout(poll, INTERVAL); });
  }

  window.setTimeout(poll, INTERVAL / 2);
})();

/* Lokus picker for the tag form: kecamatan filter, search box, checkbox multi-select, and a
   per-desa amount/target row for each chosen desa. Without JS the plain multi-select works. */
(function () {
  "use strict";
  var select = document.getElementById("village_ids");
  var table = document.getElementById("lokus-rows");
  if (!select || !table) { return; }
  var body = table.tBodies[0];
  var options = Array.prototype.slice.call(select.options);

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function rowFor(id) { return body.querySelector('tr[data-village="' + id + '"]'); }

  function syncPlaceholder() {
    var placeholder = body.querySelector("tr.placeholder");
    var any = body.querySelector("tr[data-village]");
    if (placeholder) { placeholder.hidden = !!any; }
  }

  function addRow(option) {
    if (rowFor(option.value)) { return; }
    var name = option.textContent.replace(/ \(lokus\)$/, "");
    var tr = el("tr", {"data-village": option.value});
    var td = el("td", {}, name + " ");
    if (option.getAttribute("data-lokus") !== "1") {
      td.appendChild(el("span", {"class": "badge badge-returned"}, "bukan lokus"));
    }
    tr.appendChild(td);
    tr.appendChild(el("td", {}, option.parentNode.label.replace(/^Kec\. /, "")));
    var a = el("td", {"class": "num"});
    a.appendChild(el("input", {name: "v_amount_" + option.value, "aria-label": "Nilai " + name,
                               inputmode: "decimal"}));
    var t = el("td", {"class": "num"});
    t.appendChild(el("input", {name: "v_target_" + option.value, "aria-label": "Sasaran " + name,
                               inputmode: "numeric"}));
    tr.appendChild(a);
    tr.appendChild(t);
    body.appendChild(tr);
    syncPlaceholder();
  }

  function removeRow(id) {
    var tr = rowFor(id);
    if (tr) { tr.parentNode.removeChild(tr); }
    syncPlaceholder();
  }

  // The enhanced picker replaces the multi-select; the select stays in the form as the value.
  var picker = el("div", {"class": "lokus-picker"});
  var controls = el("div", {"class": "filters"});
  var district = el("select", {"aria-label": "Saring kecamatan"});
  district.appendChild(el("option", {value: ""}, "Semua kecamatan"));
  Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (g) {
    var first = g.querySelector("option");
    district.appendChild(el("option", {value: first ? first.getAttribute("data-district") : ""},
                            g.label));
  });
  var search = el("input", {type: "search", placeholder: "Cari nama desa", "aria-label": "Cari desa"});
  var onlyLokus = el("input", {type: "checkbox", id: "only-lokus"});
  var onlyLabel = el("label", {"for": "only-lokus"}, " hanya desa lokus");
  var count = el("span", {"class": "muted"});
  controls.appendChild(district);
  controls.appendChild(search);
  controls.appendChild(onlyLokus);
  controls.appendChild(onlyLabel);
  controls.appendChild(count);
  var list = el("div", {"class": "lokus-list", role: "group", "aria-label": "Daftar desa"});
  options.forEach(function (option) {
    var label = el("label", {"data-district": option.getAttribute("data-district"),
                             "data-lokus": option.getAttribute("data-lokus")});
    var box = el("input", {type: "checkbox", value: option.value});
    box.checked = option.selected;
    box.addEventListener("change", function () {
      option.selected = box.checked;
      if (box.checked) { addRow(option); } else { removeRow(option.value); }
      updateCount();
    });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + option.textContent));
    list.appendChild(label);
  });

  function updateCount() {
    count.textContent = select.selectedOptions.length + " desa dipilih";
  }

  function applyFilter() {
    var d = district.value, q = search.value.trim().toLowerCase();
    Array.prototype.forEach.call(list.children, function (label) {
      var show = (!d || label.getAttribute("data-district") === d) &&
        (!q || label.textContent.toLowerCase().indexOf(q) >= 0) &&
        (!onlyLokus.checked || label.getAttribute("data-lokus") === "1");
      label.hidden = !show;
    });
  }
  district.addEventListener("change", applyFilter);
  search.addEventListener("input", applyFilter);
  onlyLokus.addEventListener("change", applyFilter);

  picker.appendChild(controls);
  picker.appendChild(list);
  var fallback = document.getElementById("lokus-fallback");
  fallback.parentNode.insertBefore(picker, fallback.nextSibling);
  fallback.hidden = true;
  updateCount();
  syncPlaceholder();
}());

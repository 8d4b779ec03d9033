// The roster table of the opening application: add a row (a copy of the last, emptied), remove a row;
// field names keep the `roster[i].column` order the server reads.
(function () {
  "use strict";
  function renumber(body) {
    Array.prototype.forEach.call(body.rows, function (row, i) {
      row.cells[0].textContent = String(i + 1);
      row.querySelectorAll("[name^='roster[']").forEach(function (input) {
        input.name = input.name.replace(/^roster\[\d+\]/, "roster[" + i + "]");
        input.id = input.id.replace(/^f-roster-\d+/, "f-roster-" + i);
      });
    });
  }
  function addRemove(row, body) {
    var cell = document.createElement("td");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-link remove-row";
    button.textContent = "删除";
    button.addEventListener("click", function () {
      if (body.rows.length > 1) { row.remove(); } else { row.querySelectorAll("input, select").forEach(function (i) { i.value = ""; }); }
      renumber(body);
    });
    cell.appendChild(button);
    row.appendChild(cell);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var table = document.querySelector("[data-field='roster'] table");
    var add = document.getElementById("add-row");
    if (!table || !add) { return; }
    var body = table.tBodies[0];
    table.tHead.rows[0].appendChild(document.createElement("th"));
    Array.prototype.forEach.call(body.rows, function (row) { addRemove(row, body); });
    add.addEventListener("click", function () {
      var last = body.rows[body.rows.length - 1];
      var copy = last.cloneNode(true);
      copy.querySelectorAll("input, select").forEach(function (i) { i.value = ""; i.removeAttribute("aria-invalid"); });
      copy.querySelectorAll(".error-text, .remove-row").forEach(function (e) { e.parentNode.removeChild(e); });
      copy.querySelectorAll("td").forEach(function (td) { td.classList.remove("has-error"); if (!td.childElementCount && td !== copy.cells[0]) { td.remove(); } });
      body.appendChild(copy);
      addRemove(copy, body);
      renumber(body);
    });
  });
})();

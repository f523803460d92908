// Filter and sort the generated instruction-set table. No dependencies, no network.
(function () {
  function setup(box) {
    var table = box.querySelector("table");
    var text = box.querySelector(".isa-filter");
    var family = box.querySelector(".isa-family");
    var count = box.querySelector(".isa-count");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function apply() {
      var q = text.value.trim().toLowerCase(), f = family.value, shown = 0;
      rows.forEach(function (row) {
        var ok = (!f || row.dataset.family === f) && (!q || row.textContent.toLowerCase().indexOf(q) >= 0);
        row.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = shown + " / " + rows.length;
    }
    text.addEventListener("input", apply);
    family.addEventListener("change", apply);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        rows.sort(function (a, b) {
          var x = a.cells[i].textContent, y = b.cells[i].textContent;
          var nx = parseFloat(x), ny = parseFloat(y);
          var c = (!isNaN(nx) && !isNaN(ny) && /^[\d.]+$/.test(x) && /^[\d.]+$/.test(y)) ? nx - ny : x.localeCompare(y);
          return asc ? c : -c;
        });
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter") sort(); });
    });
    apply();
  }
  function init() { document.querySelectorAll(".isa-table").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();

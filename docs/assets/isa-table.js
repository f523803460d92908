// Filter and sort the generated instruction-set table (sitetools/isa_table.py). No dependencies, no
// network. Cells marked data-missing (no count, no date, no CPU) sort last in either direction.
(function () {
  function key(cell) {
    var text = cell.textContent.trim();
    return cell.classList.contains("isa-number") ? parseFloat(text) : text;
  }
  function compare(a, b) {
    return typeof a === "number" ? a - b : a.localeCompare(b);
  }
  function setup(box) {
    var table = box.querySelector("table");
    var text = box.querySelector(".isa-filter");
    var family = box.querySelector(".isa-family");
    var count = box.querySelector(".isa-count");
    var heads = table.tHead.rows[0].cells;
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
    Array.prototype.forEach.call(heads, function (th, i) {
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      function sort() {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        rows.sort(function (a, b) {
          var x = a.cells[i], y = b.cells[i];
          var mx = x.hasAttribute("data-missing"), my = y.hasAttribute("data-missing");
          if (mx || my) return mx === my ? 0 : (mx ? 1 : -1);
          var c = compare(key(x), key(y));
          return asc ? c : -c;
        });
        Array.prototype.forEach.call(heads, function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
    });
    apply();
  }
  function init() { document.querySelectorAll(".isa-table").forEach(setup); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();

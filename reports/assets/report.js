// maintsim report: the only script on the page. It filters table rows as
// you type; without it the page reads the same, just without filtering.
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-filter]");
  Array.prototype.forEach.call(inputs, function (input) {
    var table = document.getElementById(input.getAttribute("data-filter"));
    if (!table) { return; }
    input.hidden = false;
    input.addEventListener("input", function () {
      var q = input.value.toLowerCase();
      var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
      Array.prototype.forEach.call(rows, function (row) {
        row.hidden = q !== "" && row.textContent.toLowerCase().indexOf(q) < 0;
      });
    });
  });
})();

// The case's diagrams: one bpmn-js NavigatedViewer per tab, loaded when the tab is first shown;
// elements marked "completed" and "current" by id (data attributes written by the server).
(function () {
  "use strict";
  var viewers = {};

  function show(index) {
    document.querySelectorAll(".diagram-tabs a").forEach(function (a) {
      a.classList.toggle("active", a.dataset.tab === String(index));
    });
    document.querySelectorAll(".diagram").forEach(function (box) {
      box.hidden = box.id !== "diagram-" + index;
    });
    load(document.getElementById("diagram-" + index));
  }

  function mark(canvas, registry, ids, marker) {
    ids.forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, marker); }
    });
  }

  function load(box) {
    if (!box || viewers[box.id]) { return; }
    var viewer = new BpmnJS({ container: box });
    viewers[box.id] = viewer;
    fetch(box.dataset.url, { credentials: "same-origin" })
      .then(function (answer) { return answer.text(); })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get("canvas");
        var registry = viewer.get("elementRegistry");
        mark(canvas, registry, JSON.parse(box.dataset.completed), "completed");
        mark(canvas, registry, JSON.parse(box.dataset.current), "current");
        canvas.zoom("fit-viewport");
        box.dataset.loaded = "true";
      })
      .catch(function (err) {
        box.textContent = "流程图加载失败：" + err.message;
        box.dataset.loaded = "error";
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".diagram-tabs a").forEach(function (a) {
      a.addEventListener("click", function (event) {
        event.preventDefault();
        show(a.dataset.tab);
      });
    });
    var first = document.querySelector(".diagram:not([hidden])");
    load(first);
  });
})();

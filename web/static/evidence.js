// The evidence field of a task form: upload the chosen files (or a recording's reference) to
// POST /cases/{id}/evidence, then cite each returned hash in the form as a hidden `evidence` input.
(function () {
  "use strict";
  function token() {
    var meta = document.querySelector("meta[name='csrf-token']");
    return meta ? meta.getAttribute("content") : "";
  }
  function cite(widget, hash, label) {
    var list = widget.querySelector(".evidence-cited");
    var name = widget.getAttribute("data-name");
    if (list.querySelector("input[value='" + hash + "']")) { return; }
    var item = document.createElement("li");
    var input = document.createElement("input");
    input.type = "hidden"; input.name = name; input.value = hash;
    var code = document.createElement("code");
    code.className = "mono"; code.title = hash; code.textContent = label + " · " + hash.slice(0, 12) + "…";
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "btn btn-sm btn-link evidence-remove"; remove.textContent = "移除";
    item.appendChild(input); item.appendChild(code); item.appendChild(document.createTextNode(" ")); item.appendChild(remove);
    list.appendChild(item);
  }
  function send(widget, body, labels) {
    var form = widget.closest("form");
    var status = widget.querySelector(".evidence-status");
    status.textContent = "正在上传……";
    status.className = "evidence-status";
    fetch("/cases/" + form.getAttribute("data-case-id") + "/evidence", {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRF-Token": token() }
    }).then(function (answer) { return answer.json(); }).then(function (result) {
      if (!result.ok) {
        status.className = "evidence-status error-text";
        status.textContent = result.errors.map(function (e) { return e.message; }).join("；");
        return;
      }
      result.hashes.forEach(function (hash, i) { cite(widget, hash, labels[i] || labels[0]); });
      status.textContent = "已上传 " + result.hashes.length + " 个文件，已附到本表";
    }).catch(function () {
      status.className = "evidence-status error-text";
      status.textContent = "上传失败：网络或服务器错误，请稍后重试";
    });
  }
  function setUp(widget) {
    var kind = widget.querySelector(".evidence-kind");
    var file = widget.querySelector(".evidence-file");
    var video = widget.querySelector(".evidence-video");
    function toggle() { var isVideo = kind.value === "录像索引"; video.hidden = !isVideo; file.hidden = isVideo; }
    kind.addEventListener("change", toggle);
    toggle();
    file.addEventListener("change", function () {
      if (!file.files.length) { return; }
      var body = new FormData();
      var labels = [];
      body.append("kind", kind.value);
      Array.prototype.forEach.call(file.files, function (f) { body.append("file", f); labels.push(f.name); });
      send(widget, body, labels);
      file.value = "";
    });
    widget.querySelector(".evidence-add-video").addEventListener("click", function () {
      var body = new FormData();
      body.append("kind", kind.value);
      body.append("location", widget.querySelector(".evidence-location").value);
      body.append("video_sha256", widget.querySelector(".evidence-video-sha").value);
      send(widget, body, ["录像索引"]);
    });
    widget.addEventListener("click", function (event) {
      if (event.target.classList.contains("evidence-remove")) { event.target.closest("li").remove(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".evidence-widget").forEach(setUp);
  });
})();

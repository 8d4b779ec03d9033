/* The modeler page: the draft's BPMN files in bpmn-js, its DMN in dmn-js, our properties panel
 * (a user task's role, its form from the registry, a timer's expression) and saving the draft.
 * bpmn-js and dmn-js come from the npm packages the app serves under /assets/ (no CDN). */
(function () {
  "use strict";

  // The spiffworkflow extension our userTasks carry: <spiffworkflow:properties><spiffworkflow:property
  // name="role" value="…"/></spiffworkflow:properties>. Registered so bpmn-js keeps and edits it.
  var SPIFF = {
    name: "SpiffWorkflow",
    uri: "http://spiffworkflow.org/bpmn/schema/1.0/core",
    prefix: "spiffworkflow",
    xml: { tagAlias: "lowerCase" },
    associations: [],
    types: [
      {
        name: "Properties",
        superClass: ["Element"],
        meta: { allowedIn: ["*"] },
        properties: [{ name: "values", type: "Property", isMany: true }]
      },
      {
        name: "Property",
        superClass: ["Element"],
        properties: [
          { name: "name", type: "String", isAttr: true },
          { name: "value", type: "String", isAttr: true }
        ]
      }
    ]
  };
  var TIMER_KINDS = { timeDate: "到期时间（timeDate）", timeDuration: "时长（timeDuration）", timeCycle: "周期（timeCycle）" };

  var config = JSON.parse(document.getElementById("modeler-config").textContent);
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var panel = document.getElementById("props-panel");
  var status = document.getElementById("save-status");
  var xml = {};        // file name → XML as last loaded or exported
  var dirty = {};      // file name → edited since loaded
  var active = null;   // the file shown
  var bpmn = new window.BpmnJS({ container: "#bpmn-canvas", moddleExtensions: { spiffworkflow: SPIFF } });
  var dmn = new window.DmnJS({ container: "#dmn-canvas", common: { keyboard: { bindTo: window } } });

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function markDirty(name) {
    dirty[name] = true;
    document.querySelectorAll(".modeler-tab").forEach(function (tab) {
      tab.classList.toggle("dirty", !!dirty[tab.dataset.file]);
    });
    status.textContent = "有未保存的修改";
  }

  function taskKey(id) { return id.split("__")[0]; }

  function roleProperty(bo) {
    var ext = bo.extensionElements;
    var props = ext && (ext.values || []).find(function (v) { return v.$type === "spiffworkflow:Properties"; });
    var prop = props && (props.values || []).find(function (p) { return p.name === "role"; });
    return { ext: ext, props: props, prop: prop };
  }

  function setRole(element, value) {
    var moddle = bpmn.get("moddle");
    var modeling = bpmn.get("modeling");
    var found = roleProperty(element.businessObject);
    if (found.prop) {
      modeling.updateModdleProperties(element, found.prop, { value: value });
      return;
    }
    var ext = found.ext;
    if (!ext) {
      ext = moddle.create("bpmn:ExtensionElements", { values: [] });
      modeling.updateProperties(element, { extensionElements: ext });
    }
    var props = found.props;
    if (!props) {
      props = moddle.create("spiffworkflow:Properties", { values: [] });
      modeling.updateModdleProperties(element, ext, { values: (ext.values || []).concat([props]) });
    }
    var prop = moddle.create("spiffworkflow:Property", { name: "role", value: value });
    modeling.updateModdleProperties(element, props, { values: (props.values || []).concat([prop]) });
  }

  function timerOf(bo) {
    return (bo.eventDefinitions || []).find(function (d) { return d.$type === "bpmn:TimerEventDefinition"; });
  }

  function setTimer(element, timer, kind, body) {
    var expression = bpmn.get("moddle").create("bpmn:FormalExpression", { body: body });
    var update = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
    update[kind] = expression;
    bpmn.get("modeling").updateModdleProperties(element, timer, update);
  }

  function field(label, control) {
    var wrap = el("div", { "class": "prop" });
    var caption = el("label", { "for": control.id }, label);
    wrap.appendChild(caption);
    wrap.appendChild(control);
    return wrap;
  }

  function showPanel(element) {
    panel.replaceChildren(el("h2", {}, "属性"));
    if (!element || element.type === "label") {
      panel.appendChild(el("p", { "class": "muted" }, "在画布上选择一个元素。"));
      return;
    }
    var bo = element.businessObject;
    var head = el("p", {});
    head.appendChild(el("code", { id: "prop-id" }, bo.id));
    head.appendChild(el("br"));
    head.appendChild(document.createTextNode((bo.name || "（无名称）") + " · " + bo.$type.replace("bpmn:", "")));
    panel.appendChild(head);
    var editable = false;
    if (bo.$type === "bpmn:UserTask") {
      editable = true;
      var current = roleProperty(bo).prop;
      var select = el("select", { id: "prop-role" });
      select.appendChild(el("option", { value: "" }, "（未声明）"));
      config.roles.forEach(function (pair) {
        var option = el("option", { value: pair[0] }, pair[1] + "（" + pair[0] + "）");
        if (current && current.value === pair[0]) { option.selected = true; }
        select.appendChild(option);
      });
      select.addEventListener("change", function () { setRole(element, select.value); });
      panel.appendChild(field("办理角色（role）", select));
      var form = config.forms[taskKey(bo.id)];
      var formBox = el("input", { id: "prop-form", readonly: "readonly", value: form || "登记表中没有此任务" });
      panel.appendChild(field("表单（任务登记表，只读）", formBox));
    }
    var timer = timerOf(bo);
    if (timer) {
      editable = true;
      var kind = ["timeDate", "timeDuration", "timeCycle"].find(function (k) { return timer[k]; }) || "timeDate";
      var input = el("textarea", { id: "prop-timer", rows: "2", spellcheck: "false" });
      input.value = timer[kind] ? timer[kind].body || "" : "";
      input.addEventListener("change", function () { setTimer(element, timer, kind, input.value.trim()); });
      panel.appendChild(field("定时表达式：" + TIMER_KINDS[kind], input));
      panel.appendChild(el("p", { "class": "muted" }, "表达式须在封闭语言之内（如 opening_review_deadline(start_date)），部署前检查。"));
    }
    if (!editable) {
      panel.appendChild(el("p", { "class": "muted" }, "此元素没有本面板可编辑的扩展属性。"));
    }
  }

  // The whole diagram in view, right of the palette (which would otherwise cover its left edge).
  function fitBesidePalette() {
    var canvas = bpmn.get("canvas");
    var box = canvas.viewbox();
    var inner = box.inner;
    var left = 130;
    var scale = Math.min((box.outer.width - left - 20) / inner.width, (box.outer.height - 30) / inner.height, 1);
    canvas.viewbox({
      x: inner.x - left / scale,
      y: inner.y - 15 / scale,
      width: box.outer.width / scale,
      height: box.outer.height / scale
    });
  }

  function exportActive() {
    if (!active || !dirty[active]) { return Promise.resolve(); }
    var modeler = active.endsWith(".dmn") ? dmn : bpmn;
    var name = active;
    return modeler.saveXML({ format: true }).then(function (result) { xml[name] = result.xml; });
  }

  function watchDmn() {
    var viewer = dmn.getActiveViewer();
    if (viewer) {
      viewer.get("eventBus").on("commandStack.changed", function (event) {
        if (event.trigger !== "clear") { markDirty(active); }
      });
    }
  }

  function open(name) {
    return exportActive().then(function () {
      active = name;
      document.querySelectorAll(".modeler-tab").forEach(function (tab) {
        tab.classList.toggle("active", tab.dataset.file === name);
      });
      var isDmn = name.endsWith(".dmn");
      document.getElementById("bpmn-canvas").hidden = isDmn;
      document.getElementById("dmn-canvas").hidden = !isDmn;
      showPanel(null);
      if (isDmn) {
        panel.replaceChildren(el("h2", {}, "属性"), el("p", {}, "决策表：直接在表格中编辑单元格。"),
          el("p", { "class": "muted" }, "单元格按本系统的封闭表达式语言求值（不是 FEEL，「-」表示任意值）；" +
            "命中策略请保持 First。部署前的检查会指出不合规的单元格。"));
        return dmn.importXML(xml[name]).then(function () {
          var table = dmn.getViews().find(function (v) { return v.type === "decisionTable"; });
          return table ? dmn.open(table) : null;
        }).then(watchDmn);
      }
      return bpmn.importXML(xml[name]).then(fitBesidePalette);
    }).catch(function (error) {
      status.textContent = "无法打开 " + name + "：" + error.message;
    });
  }

  function save() {
    status.textContent = "正在保存…";
    return exportActive().then(function () {
      return fetch("/modeler/drafts/" + config.draft + "/files", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ files: xml })
      });
    }).then(function (response) {
      return response.json().then(function (answer) {
        status.textContent = answer.message;
        if (answer.ok) {
          dirty = {};
          document.querySelectorAll(".modeler-tab").forEach(function (tab) { tab.classList.remove("dirty"); });
        }
        return answer;
      });
    }).catch(function (error) { status.textContent = "保存失败：" + error.message; });
  }

  bpmn.on("selection.changed", function (event) { showPanel(event.newSelection[0] || null); });
  bpmn.on("commandStack.changed", function (event) {
    if (event.trigger === "clear") { return; }
    markDirty(active);
    var selected = bpmn.get("selection").get()[0];
    var focus = document.activeElement && panel.contains(document.activeElement);
    if (selected && !focus) { showPanel(selected); }
  });
  document.querySelectorAll(".modeler-tab").forEach(function (tab) {
    tab.addEventListener("click", function () { open(tab.dataset.file); });
  });
  document.getElementById("save-draft").addEventListener("click", save);
  // The diff compares what is saved: save first, then let htmx ask for the diff.
  document.getElementById("show-diff").addEventListener("htmx:confirm", function (event) {
    if (Object.keys(dirty).length === 0) { return; }
    event.preventDefault();
    save().then(function () { event.detail.issueRequest(true); });
  });
  window.subsidyflowModeler = { bpmn: bpmn, dmn: dmn, save: save, open: open };

  fetch("/modeler/drafts/" + config.draft + "/files", { headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (answer) {
      xml = answer.files;
      return open(config.files[0]);
    })
    .then(function () { document.body.dataset.modelerReady = "true"; });
}());

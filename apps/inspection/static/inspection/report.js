// The live report page: rows appear while the model reads the photos; then the inspector edits, adds, deletes
// and approves. Every write goes through the API, which answers with the whole report.
(function () {
  const R = window.InspectionRows;
  const el = R.el;
  const $ = (id) => document.getElementById(id);
  let report = JSON.parse($("report-data").textContent);
  const typeLabels = Object.fromEntries(JSON.parse($("type-choices").textContent));
  const statusChoices = JSON.parse($("status-choices").textContent);
  const STATE_LABELS = { reading: "Reading photos", draft: "Draft: review, then approve", approved: "Approved", failed: "Reading failed" };
  const api = "/inspection/api/inspections/" + report.id + "/";
  let streamed = [];  // rows of the answer while it streams
  let editing = null;  // the row id being edited, or "new"

  function rows() { return report.state === "reading" ? streamed : report.rows; }
  function editable() { return !report.locked && report.state !== "reading"; }

  function showError(message) { $("report-error").textContent = message || ""; }

  async function send(method, url, body) {
    showError("");
    const r = await fetch(url, {
      method, credentials: "same-origin",
      headers: VD.headers({ "Content-Type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await r.json().catch(() => ({}));
    if (!r.ok) { showError((data.error && data.error.message) || "Something went wrong."); return null; }
    return data;
  }

  // ---- header, progress, failure, lock ----------------------------------------------------------------------
  function renderHead() {
    const state = $("report-state");
    state.textContent = STATE_LABELS[report.state] || report.state;
    state.className = "state " + report.state;
    $("approve").hidden = !editable();
    $("revise").hidden = !report.locked;
    $("add-row").hidden = !editable();
    $("progress").hidden = report.state !== "reading";
    const run = report.run || {};
    $("failure").hidden = report.state !== "failed";
    $("failure-reason").textContent = run.error || "";
    $("locked-note").hidden = !report.locked;
    if (report.locked) {
      const when = new Date(report.approved_at).toLocaleString();
      $("locked-note").textContent = "Approved by " + report.approved_by + " on " + when +
        ". The report is locked: start a new revision to change it.";
    }
  }

  function setProgress(status, position) {
    const count = streamed.length;
    let text = "Reading the photos… " + count + (count === 1 ? " row" : " rows") + " so far";
    if (status === "queued") text = "Waiting for the model" + (position ? " (#" + position + " in line)" : "") + "…";
    $("progress-text").textContent = text;
  }

  // ---- photos and boxes ---------------------------------------------------------------------------------------
  const overlays = [];
  function buildShots() {
    const shots = $("shots");
    report.photos.forEach((photo, index) => {
      const figure = el("figure", "shot");
      const frame = el("div", "shot-frame");
      const img = el("img");
      img.src = photo.url; img.alt = "photo " + (index + 1);
      img.width = photo.width; img.height = photo.height;
      const svg = R.svgNode("svg", { viewBox: "0 0 " + photo.width + " " + photo.height, preserveAspectRatio: "none" });
      svg.addEventListener("mouseover", (e) => hover(e.target.closest("g.box")));
      svg.addEventListener("mouseout", () => hover(null));
      svg.addEventListener("click", (e) => {
        const g = e.target.closest("g.box");
        const tr = g && document.querySelector('#rows tr[data-number="' + g.dataset.number + '"]');
        if (tr) tr.scrollIntoView({ behavior: "smooth", block: "center" });
      });
      frame.append(img, svg);
      figure.append(frame, el("figcaption", "", "Photo " + (index + 1) + " · " + photo.width + "×" + photo.height + " px"));
      shots.append(figure);
      overlays.push(svg);
    });
  }

  function renderBoxes() {
    overlays.forEach((svg, index) => R.drawBoxes(svg, report.photos[index], index, rows()));
  }

  function hover(node) {
    const number = node ? node.dataset.number : null;
    document.querySelectorAll("#rows tr.hot, g.box.hot").forEach((n) => n.classList.remove("hot"));
    if (!number) return;
    document.querySelectorAll('[data-number="' + number + '"]').forEach((n) => n.classList.add("hot"));
  }

  // ---- the table ----------------------------------------------------------------------------------------------
  function input(value, attrs) {
    const node = el(attrs.multiline ? "textarea" : "input");
    if (!attrs.multiline) node.type = attrs.type || "text";
    if (attrs.step) node.step = attrs.step;
    node.name = attrs.name; node.value = value === null || value === undefined ? "" : value;
    node.setAttribute("aria-label", attrs.label);
    if (attrs.max) node.maxLength = attrs.max;
    if (attrs.placeholder) node.placeholder = attrs.placeholder;
    return node;
  }

  function select(name, value, choices, label) {
    const node = el("select");
    node.name = name; node.setAttribute("aria-label", label);
    choices.forEach(([v, text]) => { const o = el("option", "", text); o.value = v; o.selected = v === value; node.append(o); });
    return node;
  }

  function button(text, className, onClick) {
    const b = el("button", "button small " + (className || ""), text);
    b.type = "button"; b.addEventListener("click", onClick);
    return b;
  }

  function editRow(row) {
    const tr = el("tr", "editing");
    tr.dataset.editing = row.id || "new";
    const who = el("td");
    who.append(input(row.name, { name: "name", label: "Equipment name", max: 120, placeholder: "Name" }),
               input(row.tag, { name: "tag", label: "Tag", max: 40, placeholder: "Tag, e.g. PT-203" }),
               select("type", row.type || "other", Object.entries(typeLabels), "Type"));
    const status = el("td");
    status.append(select("status", row.status || "cannot_tell", statusChoices, "Status"));
    const anomaly = el("td"); anomaly.append(input(row.anomaly, { name: "anomaly", label: "Anomaly", max: 300, multiline: true }));
    const action = el("td"); action.append(input(row.action, { name: "action", label: "Action", max: 300, multiline: true }));
    const reading = el("td");
    reading.append(input(row.reading ? row.reading.value : "", { name: "reading_value", label: "Reading", type: "number", step: "any", placeholder: "Value" }),
                   input(row.reading ? row.reading.unit : "", { name: "reading_unit", label: "Unit", max: 16, placeholder: "Unit" }));
    const ops = el("td", "ops");
    ops.append(button("Save", "save", () => save(row, tr)), " ", button("Cancel", "", () => { editing = null; renderRows(); }));
    tr.append(el("td", "num", row.number || "+"), who, status, anomaly, action, reading, ops);
    return tr;
  }

  function valuesOf(tr) {
    const get = (name) => tr.querySelector('[name="' + name + '"]').value;
    const raw = get("reading_value").trim();
    return {
      name: get("name").trim(), tag: get("tag").trim(), type: get("type"), status: get("status"),
      anomaly: get("anomaly").trim(), action: get("action").trim(),
      reading_value: raw === "" ? null : Number(raw), reading_unit: get("reading_unit").trim(),
    };
  }

  function changed(row, values) {
    const before = {
      name: row.name, tag: row.tag, type: row.type, status: row.status, anomaly: row.anomaly, action: row.action,
      reading_value: row.reading ? row.reading.value : null, reading_unit: row.reading ? row.reading.unit : "",
    };
    return Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== before[k]));
  }

  async function save(row, tr) {
    const values = valuesOf(tr);
    const data = row.id
      ? await send("PATCH", api + "rows/" + row.id + "/", changed(row, values))
      : await send("POST", api + "rows/", values);
    if (data) { editing = null; report = data; renderAll(); }
  }

  async function remove(row) {
    if (!confirm("Delete row " + row.number + "?")) return;
    const data = await send("DELETE", api + "rows/" + row.id + "/");
    if (data) { report = data; renderAll(); }
  }

  function viewRow(row) {
    const tr = el("tr", row.streaming ? "streaming" : "");
    tr.dataset.number = row.number;
    if (row.id) tr.id = "row-" + row.id;
    tr.append(...R.rowCells(row, typeLabels));
    const ops = el("td", "ops");
    if (editable() && row.id) {
      ops.append(button("Edit", "edit", () => { editing = row.id; renderRows(); }), " ",
                 button("Delete", "danger delete", () => remove(row)));
    }
    tr.append(ops);
    tr.addEventListener("mouseenter", () => hover(tr));
    tr.addEventListener("mouseleave", () => hover(null));
    return tr;
  }

  function renderRows() {
    const body = $("rows").querySelector("tbody");
    const list = rows();
    body.replaceChildren(...list.map((row) => (row.id && editing === row.id ? editRow(row) : viewRow(row))));
    if (editing === "new") body.append(editRow({ id: null, number: null }));
    $("rows-empty").hidden = list.length > 0 || editing === "new" || report.state === "reading";
  }

  // ---- history ------------------------------------------------------------------------------------------------
  const ACTIONS = {
    read: (c) => ["The model read the photos: " + c.new],
    added: (c) => [c.user + " added " + c.row + ": ", c.new],
    edited: (c) => [c.user + " edited " + c.row + ": " + c.field + " ", c.old, " → " + (c.new || "(empty)")],
    deleted: (c) => [c.user + " deleted " + c.row + ": ", c.old],
    approved: (c) => [c.user + " approved " + c.new],
    revised: (c) => [c.user + " started " + c.new + (c.old ? " from " + c.old : "")],
  };

  function renderChanges() {
    const list = $("changes");
    list.replaceChildren(...report.changes.slice().reverse().map((c) => {
      const li = el("li");
      li.append(el("span", "when", new Date(c.at).toLocaleString()));
      const parts = (ACTIONS[c.action] || ((x) => [x.action]))(c);
      parts.forEach((text, i) => li.append(el("span", c.action === "edited" && i === 1 ? "old" : "", text)));
      return li;
    }));
    if (!report.changes.length) list.append(el("li", "muted", "No changes yet."));
  }

  function renderAll() { renderHead(); renderRows(); renderBoxes(); renderChanges(); }

  // ---- the live reading ---------------------------------------------------------------------------------------
  async function reload() {
    const data = await send("GET", api);
    if (data) { report = data; streamed = []; renderAll(); }
  }

  function watch(run) {
    const view = {
      text: run.text || "",
      render() {
        streamed = R.streamedRows(view.text).map((row, i) => R.fromModel(row, i + 1, report.photos));
        setProgress("running");
        renderRows(); renderBoxes();
      },
      setStatus(status, position) { setProgress(status, position); },
      error(message) { if (message) showError(message); },
      final() { reload(); },
    };
    view.render();
    RunStream.open(run.id, view);
  }

  $("approve").addEventListener("click", async () => {
    if (!confirm("Approve this report? It will be locked; later changes need a new revision.")) return;
    const data = await send("POST", api + "approve/", {});
    if (data) { editing = null; report = data; renderAll(); }
  });
  $("revise").addEventListener("click", async () => {
    const data = await send("POST", api + "revise/", {});
    if (data) location.href = "/inspection/" + data.id + "/";
  });
  $("add-row").addEventListener("click", () => { editing = "new"; renderRows(); });
  $("retry").addEventListener("click", async () => {
    const run = await send("POST", "/api/runs/" + report.run.id + "/retry/", {});
    if (run) { report.run = run; report.state = "reading"; streamed = []; renderAll(); watch(run); }
  });

  buildShots();
  renderAll();
  if (report.state === "reading") watch(report.run);
})();

// Batch pages: the form that starts a batch, and the progress of one batch (polled every two seconds).
(function () {
  const script = document.currentScript;
  const $ = (id) => document.getElementById(id);
  const ACTIVE = new Set(["running", "paused"]);
  const LABELS = { pending: "Waiting", submitted: "Sent", done: "Done", failed: "Failed", cancelled: "Cancelled",
    running: "Running", paused: "Paused" };

  async function errorOf(response) {
    try { return (await response.json()).error.message; } catch (e) { return "The server answered " + response.status + "."; }
  }

  // ---- the form ---------------------------------------------------------------------------------------------
  function setUpForm(form) {
    const tasks = JSON.parse($("batch-tasks").textContent);
    const taskSelect = $("batch-task"), fieldsBox = $("batch-fields"), status = $("batch-upload-status");
    const maxPerUpload = Number(script.dataset.maxFiles) || 20;

    function renderFields() {
      const task = tasks.find((t) => t.name === taskSelect.value);
      fieldsBox.replaceChildren();
      for (const name of task ? task.fields : []) {
        const label = document.createElement("label");
        label.textContent = name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase()) + " (the same for every photo)";
        const input = document.createElement("input");
        input.name = name; input.required = true; input.dataset.field = name;
        label.appendChild(input);
        fieldsBox.appendChild(label);
      }
    }

    async function uploadPhotos(files) {
      const shas = [], rejected = [];
      for (let i = 0; i < files.length; i += maxPerUpload) {
        status.textContent = "Uploading photos " + (i + 1) + "–" + Math.min(files.length, i + maxPerUpload) + " of " + files.length + "…";
        const body = new FormData();
        for (const f of files.slice(i, i + maxPerUpload)) body.append("files", f);
        const response = await VD.post(script.dataset.photosUrl, body);
        const data = await response.json();
        if (response.ok) {
          shas.push(...data.photos.map((p) => p.sha256));
          rejected.push(...data.rejected.map((r) => r.reason));
        } else if (data.error && data.error.details && data.error.details.rejected) {
          rejected.push(...data.error.details.rejected.map((r) => r.reason));
        } else {
          throw new Error(data.error ? data.error.message : "upload failed");
        }
      }
      return { shas, rejected };
    }

    async function submit(event) {
      event.preventDefault();
      const files = Array.from($("batch-files").files);
      const fields = {};
      fieldsBox.querySelectorAll("input").forEach((i) => { fields[i.dataset.field] = i.value; });
      $("batch-error").textContent = "";
      $("batch-start").disabled = true;
      try {
        let response;
        const zips = files.filter((f) => /\.zip$/i.test(f.name));
        if (zips.length) {
          status.textContent = "Uploading and unpacking…";
          const body = new FormData();
          body.append("task", taskSelect.value); body.append("name", $("batch-name").value);
          body.append("fields", JSON.stringify(fields));
          for (const f of files) body.append("files", f);
          response = await VD.post(script.dataset.createUrl, body);
        } else {
          const { shas, rejected } = await uploadPhotos(files);
          if (rejected.length) $("batch-error").textContent = "Not accepted: " + rejected.join(" ");
          if (!shas.length) throw new Error("None of the photos could be used.");
          status.textContent = "Starting the batch…";
          response = await VD.post(script.dataset.createUrl, { task: taskSelect.value, name: $("batch-name").value, fields, photos: shas });
        }
        if (!response.ok) throw new Error(await errorOf(response));
        location.href = "/batches/" + (await response.json()).id + "/";
      } catch (err) {
        $("batch-error").textContent = err.message;
        status.textContent = "";
        $("batch-start").disabled = false;
      }
    }

    taskSelect.addEventListener("change", renderFields);
    form.addEventListener("submit", submit);
    renderFields();
  }

  // ---- one batch --------------------------------------------------------------------------------------------
  function setUpDetail(url) {
    let current = JSON.parse($("batch-data").textContent);

    function summary(b) {
      const c = b.counts, parts = [c.done + " of " + c.total + " done"];
      if (c.failed) parts.push(c.failed + " failed");
      if (c.submitted) parts.push(c.submitted + " in progress");
      if (c.pending) parts.push(c.pending + " waiting");
      if (c.cancelled) parts.push(c.cancelled + " cancelled");
      if (b.eta_s != null) parts.push("about " + (b.eta_s < 90 ? Math.round(b.eta_s) + " s" : Math.round(b.eta_s / 60) + " min") + " left");
      return parts.join(" · ");
    }

    function itemRow(item) {
      const tr = document.createElement("tr");
      const cells = [String(item.position + 1), "", item.filename, "", item.latency_ms != null ? (item.latency_ms / 1000).toFixed(1) + " s" : "", item.error];
      cells.forEach((text, i) => {
        const td = document.createElement("td");
        if (i === 1 && item.photo) {
          const img = document.createElement("img");
          img.src = "/photos/" + item.photo + "/thumb/"; img.alt = ""; img.loading = "lazy";
          td.appendChild(img);
        } else if (i === 3) {
          const badge = document.createElement(item.run ? "a" : "span");
          badge.className = "status " + item.status; badge.textContent = LABELS[item.status] || item.status;
          if (item.run) badge.href = "/runs/" + item.run + "/";
          td.appendChild(badge);
        } else {
          td.textContent = text;
          if (i === 5) td.className = "error";
        }
        tr.appendChild(td);
      });
      return tr;
    }

    function render(b) {
      current = b;
      const status = $("batch-status");
      status.textContent = LABELS[b.status] || b.status; status.className = "status " + b.status;
      const bar = $("batch-progress"), total = Math.max(1, b.counts.total);
      for (const kind of ["done", "failed", "submitted"]) bar.querySelector("." + kind).style.width = (100 * b.counts[kind]) / total + "%";
      bar.setAttribute("aria-valuenow", String(b.percent));
      $("batch-summary").textContent = summary(b);
      $("batch-pause").disabled = b.status !== "running";
      $("batch-resume").disabled = b.status !== "paused";
      $("batch-cancel").disabled = !ACTIVE.has(b.status);
      $("batch-retry").disabled = !(b.counts.failed + b.counts.cancelled);
      $("batch-items").querySelector("tbody").replaceChildren(...b.items.map(itemRow));
    }

    async function poll() {
      try {
        const response = await fetch(url, { credentials: "same-origin" });
        if (response.ok) render(await response.json());
      } finally {
        const open = ACTIVE.has(current.status) || current.counts.submitted > 0;
        if (open) setTimeout(poll, 2000);
      }
    }

    for (const id of ["batch-pause", "batch-resume", "batch-cancel", "batch-retry"]) {
      $(id).addEventListener("click", async (event) => {
        $("batch-error").textContent = "";
        const response = await VD.post(event.target.dataset.url, {});
        if (!response.ok) { $("batch-error").textContent = await errorOf(response); return; }
        const wasOpen = ACTIVE.has(current.status) || current.counts.submitted > 0;
        render(await response.json());
        if (!wasOpen) setTimeout(poll, 2000);
      });
    }
    render(current);
    setTimeout(poll, 2000);
  }

  const form = $("batch-form");
  if (form) setUpForm(form);
  if (script.dataset.detailUrl) setUpDetail(script.dataset.detailUrl);
})();

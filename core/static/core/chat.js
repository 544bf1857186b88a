// The follow-up chat beside a run (core/_chat_panel.html). Model answers stream like any run; a question about
// a table whose cells are stored is answered from them at once. Model text is always set with textContent.
(function () {
  const root = document.getElementById("chat");
  if (!root) return;
  const runId = root.dataset.run;
  const $ = (id) => document.getElementById(id);
  const turnsEl = $("chat-turns"), form = $("chat-form"), question = $("chat-question"), error = $("chat-error");
  const photosEl = $("chat-photos"), tablesEl = $("chat-tables"), tableNote = $("chat-table-note");
  const attachInput = $("chat-photo"), attachedEl = $("chat-attached"), send = $("chat-send");
  const STATUS = { queued: "Queued", running: "Answering…", done: "", failed: "Failed", cancelled: "Cancelled" };
  let conversation = null;
  let attached = [];

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  async function request(url, body) {
    const r = body === undefined ? await fetch(url, { credentials: "same-origin" }) : await VD.post(url, body);
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((data.error && data.error.message) || "Something went wrong (" + r.status + ").");
    return data;
  }

  // ---- turns ------------------------------------------------------------------------------------------------
  function badge(turn) {
    const c = turn.cited;
    if (!c) return "";
    if (turn.source === "table") return "From stored cells · table " + c.table_index + ", photo " + c.photo;
    return c.crop ? "Looked at table " + c.table_index + " of photo " + c.photo : "";
  }

  function turnView(run, answerEl, statusEl, timingEl) {
    const view = {
      text: run.text || "",
      render() { answerEl.textContent = view.text; },
      setStatus(s, position) {
        statusEl.textContent = s === "queued" && position ? "Queued (#" + position + " in line)" : (STATUS[s] ?? s);
        statusEl.className = "status " + s;
        statusEl.hidden = s === "done";
      },
      error(message) { if (message) { statusEl.textContent = "Failed: " + message; statusEl.hidden = false; } },
      final(r) {
        view.text = r.text; view.render(); view.setStatus(r.status);
        if (r.status === "failed") view.error(r.error);
        if (r.ttft_ms != null) timingEl.textContent = "first token " + Math.round(r.ttft_ms) + " ms";
      },
    };
    view.render(); view.setStatus(run.status, run.queue_position);
    return view;
  }

  function renderTurn(turn) {
    if (turn.number === 0) return;  // the run above is turn 0
    const li = el("li", "chat-turn");
    li.dataset.number = turn.number;
    const q = el("div", "chat-q", turn.question);
    if (turn.photo_numbers.length) q.prepend(el("div", "muted", "Added photo " + turn.photo_numbers.join(", ")));
    const answer = el("div", "chat-a", turn.answer);
    const meta = el("div", "chat-meta");
    if (badge(turn)) meta.append(el("span", "chat-badge", badge(turn)));
    const status = el("span", "status"), timing = el("span");
    status.hidden = true;
    meta.append(status, timing);
    li.append(q, answer, meta);
    turnsEl.append(li);
    if (turn.run) {
      const view = turnView(turn.run, answer, status, timing);
      if (turn.run.status === "queued" || turn.run.status === "running") RunStream.open(turn.run.id, view);
      else view.final(turn.run);
    }
    if (turn.source === "table" && turn.cited) highlight(turn.cited);
  }

  // ---- photos -----------------------------------------------------------------------------------------------
  function renderPhotos(photos) {
    photosEl.replaceChildren();
    photos.forEach((p) => {
      const li = el("li", "chat-photo");
      li.dataset.sha = p.sha256; li.dataset.number = p.number;
      const img = el("img"); img.src = p.thumbnail_url; img.alt = "photo " + p.number;
      li.append(img, el("span", "chat-photo-label", "Photo " + p.number));
      if (p.description) { const d = el("span", "desc", p.description); d.title = p.description; li.append(d); }
      const button = el("button", "link chat-find-tables", "Read tables"); button.type = "button";
      li.append(button);
      photosEl.append(li);
    });
  }

  // ---- tables -----------------------------------------------------------------------------------------------
  function photoNumber(sha) {
    const li = photosEl.querySelector('[data-sha="' + sha + '"]');
    return li ? li.dataset.number : "?";
  }

  function renderTable(table) {
    const id = "table-" + table.id;
    const box = $(id) || el("div", "chat-table");
    box.id = id; box.replaceChildren();
    const head = el("header");
    head.append(el("span", null, "Table " + table.index + " · photo " + photoNumber(table.photo) + " · " +
      table.n_rows + " × " + table.n_columns));
    if (table.status !== "done") head.append(el("span", "status " + table.status, table.status === "failed" ? "Not read" : "Reading…"));
    if (table.status === "failed" || table.status === "cancelled") {
      const again = el("button", "link", "Read again"); again.type = "button";
      again.addEventListener("click", () => request("/api/runs/" + table.run + "/retry/", {})
        .then(() => follow(table)).catch((e) => { tableNote.textContent = e.message; }));
      head.append(again);
    }
    if (table.rows.length) { const a = el("a", null, "CSV"); a.href = table.csv_url; head.append(a); }
    box.append(head);
    if (table.rows.length) {
      const grid = el("table", "grid");
      table.rows.forEach((row, r) => {
        const tr = el("tr");
        row.forEach((text, c) => {
          const cell = el(r < table.header_rows ? "th" : "td", null, text);
          cell.dataset.cell = r + "-" + c;
          tr.append(cell);
        });
        grid.append(tr);
      });
      box.append(grid);
    }
    if (!box.parentNode) tablesEl.append(box);
    if (table.status === "queued" || table.status === "running") follow(table);
  }

  function follow(table) {
    const view = { text: "", render() {}, setStatus() {}, error() {},
      final() { request("/api/tables/" + table.id + "/").then(renderTable).catch(() => {}); } };
    RunStream.open(table.run, view);
  }

  function highlight(cited) {
    const box = $("table-" + cited.table);
    if (!box) return;
    box.querySelectorAll(".cited").forEach((c) => c.classList.remove("cited"));
    (cited.cells || []).forEach(([r, c]) => {
      const cell = box.querySelector('[data-cell="' + r + "-" + c + '"]');
      if (cell) cell.classList.add("cited");
    });
  }

  async function findTables(button) {
    const li = button.closest(".chat-photo");
    button.disabled = true;
    tableNote.textContent = "Looking for tables in photo " + li.dataset.number + "…";
    try {
      const tables = await request("/api/tables/extract/", { photo: li.dataset.sha });
      tableNote.textContent = tables.length ? "" : "No table found in photo " + li.dataset.number + ".";
      tables.forEach(renderTable);
    } catch (e) {
      tableNote.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  }

  photosEl.addEventListener("click", (e) => {
    const button = e.target.closest(".chat-find-tables");
    if (button) findTables(button);
  });

  async function loadTables() {
    for (const li of photosEl.querySelectorAll(".chat-photo")) {
      const tables = await request("/api/tables/?photo=" + encodeURIComponent(li.dataset.sha)).catch(() => []);
      tables.forEach(renderTable);
    }
  }

  // ---- asking -----------------------------------------------------------------------------------------------
  async function ensureConversation() {
    if (!conversation) conversation = await request("/api/conversations/start/", { run: runId });
    return conversation;
  }

  attachInput.addEventListener("change", async () => {
    error.textContent = "";
    for (const file of attachInput.files) {
      const body = new FormData();
      body.append("files", file);
      body.append("task", "followup");
      try {
        const data = await request("/api/photos/", body);
        data.photos.forEach((p) => attached.push(p.sha256));
      } catch (e) { error.textContent = file.name + ": " + e.message; }
    }
    attachInput.value = "";
    attachedEl.textContent = attached.length ? attached.length + " photo(s) will be added" : "";
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    const text = question.value.trim();
    if (!text) { error.textContent = "Type a question."; return; }
    send.disabled = true;
    try {
      const c = await ensureConversation();
      const turn = await request("/api/conversations/" + c.id + "/ask/", { question: text, photos: attached });
      question.value = ""; attached = []; attachedEl.textContent = "";
      renderTurn(turn);
      if (turn.photo_numbers.length) {
        conversation = await request("/api/conversations/" + c.id + "/");
        renderPhotos(conversation.photos);
      }
    } catch (err) {
      error.textContent = err.message;
    } finally {
      send.disabled = false;
    }
  });

  question.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) form.requestSubmit();
  });

  async function start() {
    const found = await request("/api/conversations/?run=" + encodeURIComponent(runId)).catch(() => []);
    if (found.length) {
      conversation = found[0];
      renderPhotos(conversation.photos);
    }
    await loadTables();
    if (conversation) conversation.turns.forEach(renderTurn);
    const status = await request("/api/tables/status/").catch(() => null);
    if (status && status.status === "unavailable") tableNote.textContent = "Table reading is unavailable: " + status.reason;
  }
  start();
})();

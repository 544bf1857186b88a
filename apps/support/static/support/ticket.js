// One ticket: the analysis streams (issues and boxes appear as they are read), then the findings measured by the
// server, then the reply draft streams into the editor. Model text is always inserted as text, never as HTML.
(function () {
  const $ = (id) => document.getElementById(id);
  const ACTIVE = ["queued", "running"];
  const LABELS = { queued: "Queued", running: "Running", done: "Done", failed: "Failed", cancelled: "Cancelled" };
  const TICKET_LABELS = {
    analysing: "Analysing photos", drafting: "Drafting reply", review: "Ready for review", sent: "Sent",
    failed: "Needs attention",
  };
  let ticket = JSON.parse($("ticket-data").textContent);
  let liveIssues = [];
  const following = new Set();

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }
  const isActive = (run) => !!run && ACTIVE.includes(run.status);
  const label = (type) => type.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());

  // ---- a tolerant parse of a JSON answer that is still streaming -------------------------------------------
  function closeJson(s) {
    const stack = [];
    let inString = false, escaped = false;
    for (const ch of s) {
      if (inString) {
        if (escaped) escaped = false;
        else if (ch === "\\") escaped = true;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === "{" || ch === "[") stack.push(ch === "{" ? "}" : "]");
      else if (ch === "}" || ch === "]") stack.pop();
    }
    let out = s + (inString ? (escaped ? '\\"' : '"') : "");
    if (/[:,]\s*$/.test(out)) out = out.replace(/,\s*$/, "") + (/:\s*$/.test(out) ? "null" : "");
    return out + stack.reverse().join("");
  }
  function partialJson(text) {
    let end = text.length;
    for (let tries = 0; end > 0 && tries < 40; tries++) {
      try { return JSON.parse(closeJson(text.slice(0, end))); } catch (e) { /* cut back and try again */ }
      end = Math.max(text.lastIndexOf(",", end - 1), text.lastIndexOf("{", end - 1), text.lastIndexOf("[", end - 1));
      if (end < 0) return null;
      if (text[end] !== ",") end += 1;
    }
    return null;
  }

  // ---- photos with boxes -------------------------------------------------------------------------------------
  function boxesFor(photoNumber) {
    if (ticket.status === "analysing") {
      return liveIssues.filter((i) => i && i.photo === photoNumber && Array.isArray(i.bbox_2d) && i.bbox_2d.length === 4)
        .map((i, k) => ({ number: k + 1, type: i.type || "other", bbox: i.bbox_2d.map(Number), live: true }));
    }
    const boxes = ticket.findings.filter((f) => f.photo === photoNumber && f.bbox)
      .map((f) => ({ number: f.number, type: f.issue_type, bbox: f.bbox }));
    const c = ticket.colour_check || {};
    if (c.measured && !c.exceeds && c.photo === photoNumber) {
      boxes.push({ number: "ΔE " + c.delta_e.toFixed(1), type: "colour_ok", bbox: c.bbox });
    }
    return boxes;
  }

  function renderPhotos() {
    const root = $("photos");
    root.replaceChildren();
    for (const photo of ticket.photos) {
      const figure = el("figure", "photo-frame");
      const frame = el("div", "frame");
      const img = el("img");
      img.src = photo.url; img.alt = "customer photo " + photo.number;
      frame.append(img);
      for (const b of boxesFor(photo.number)) {
        const [x1, y1, x2, y2] = [Math.min(b.bbox[0], b.bbox[2]), Math.min(b.bbox[1], b.bbox[3]),
          Math.max(b.bbox[0], b.bbox[2]), Math.max(b.bbox[1], b.bbox[3])];
        const box = el("div", "box " + b.type + (b.live ? " live" : ""));
        Object.assign(box.style, { left: x1 / 10 + "%", top: y1 / 10 + "%", width: (x2 - x1) / 10 + "%", height: (y2 - y1) / 10 + "%" });
        box.append(el("span", "box-label", String(b.number)));
        frame.append(box);
      }
      figure.append(frame, el("figcaption", "muted small", "Photo " + photo.number + " · " + photo.width + "×" + photo.height + " px"));
      root.append(figure);
    }
  }

  // ---- findings ----------------------------------------------------------------------------------------------
  function findingItem(f) {
    const li = el("li", "finding " + f.issue_type);
    const head = el("div", "finding-head");
    head.append(el("span", "badge", String(f.number)), el("strong", "", f.issue_label),
      el("span", "chip " + f.severity, f.severity), el("span", "muted small", f.measured ? "measured" : "seen by the model"));
    const where = f.photo ? " (photo " + f.photo + ", marked " + f.number + ")" : "";
    li.append(head, el("div", "finding-text", f.description + where));
    if (f.delta_e != null) li.append(el("div", "delta-e", "CIEDE2000 ΔE = " + f.delta_e.toFixed(2)));
    li.append(el("div", "remedy" + (f.needs_human ? " human" : ""), f.needs_human ? "Needs a human decision" : "Remedy: " + f.remedy_text));
    return li;
  }

  function renderFindings() {
    const list = $("findings");
    list.replaceChildren();
    if (ticket.status === "analysing") {
      liveIssues.forEach((i, k) => {
        const li = el("li", "finding live");
        li.append(el("span", "badge", String(k + 1)), el("span", "", " " + label(i.type || "…") + " · " + (i.description || "…")));
        list.append(li);
      });
      $("colour-check").textContent = "";
      $("box-contents").textContent = "";
      return;
    }
    ticket.findings.forEach((f) => list.append(findingItem(f)));
    if (!ticket.findings.length) list.append(el("li", "muted", "No problem found in the photos."));
    renderColourCheck();
    renderBoxContents();
  }

  function renderColourCheck() {
    const c = ticket.colour_check || {};
    const root = $("colour-check");
    root.replaceChildren(el("strong", "", "Colour: "));
    if (!c.measured) { root.append(el("span", "muted", c.reason || "not measured")); return; }
    const verdict = c.exceeds ? "differs from the catalogue photo" : "within the shop's tolerance";
    root.append(el("span", c.exceeds ? "bad" : "ok", "ΔE00 " + c.delta_e.toFixed(2) + " (threshold " + c.threshold + "): " + verdict));
  }

  function renderBoxContents() {
    const root = $("box-contents");
    root.replaceChildren(el("strong", "", "Box contents: "));
    const expected = ticket.product.box_items || [];
    if (!expected.length) { root.append(el("span", "muted", "not listed in the catalogue")); return; }
    expected.forEach((item) => {
      const missing = ticket.missing_items.includes(item);
      root.append(el("span", "chip " + (missing ? "missing" : "present"), (missing ? "✗ " : "✓ ") + item));
    });
    if (ticket.items_seen.length) root.append(el("div", "muted small", "Seen: " + ticket.items_seen.join(", ")));
  }

  function renderAnalysisStatus(status, position) {
    const run = ticket.analysis_run || {};
    const s = status || run.status;
    const node = $("analysis-status");
    node.textContent = s === "queued" && position ? "Queued (#" + position + ")" : (LABELS[s] || s || "");
    node.className = "status " + (s || "");
    $("analysis-error").textContent = run.status === "failed" ? "The analysis failed: " + run.error : "";
    $("analysis-retry").hidden = !(run.status === "failed" || run.status === "cancelled");
    if (run.status === "done" && run.latency_ms != null) {
      $("analysis-meta").textContent = "Analysis " + (run.latency_ms / 1000).toFixed(2) + " s · tokens in/out " +
        run.usage.prompt_tokens + " / " + run.usage.completion_tokens;
    }
  }

  // ---- the draft ---------------------------------------------------------------------------------------------
  function renderDraft(streamText) {
    const draft = ticket.draft;
    const run = draft && draft.run;
    const area = $("draft");
    const reviewing = ticket.status === "review";
    if (streamText != null) area.value = streamText;
    else if (draft) area.value = isActive(run) ? run.text : (draft.text || (run ? run.text : ""));
    area.readOnly = !reviewing;
    const status = $("draft-status");
    const s = run ? run.status : "";
    status.textContent = ticket.status === "sent" ? "Sent" : (LABELS[s] || (ticket.status === "drafting" ? "Queued" : ""));
    status.className = "status " + (ticket.status === "sent" ? "done" : s);
    $("draft-meta").textContent = draft ? "Tone " + draft.tone + " · " + draft.language + (draft.edited ? " · edited" : "") +
      (run && run.latency_ms != null ? " · written in " + (run.latency_ms / 1000).toFixed(2) + " s" : "") : "";
    $("draft-error").textContent = run && run.status === "failed" ? "Writing the draft failed: " + run.error + " Regenerate to try again."
      : (ticket.reply_error || "");
    $("save-draft").disabled = !reviewing;
    $("approve").disabled = !reviewing;
    $("regenerate").disabled = ticket.status === "sent" || ticket.status === "analysing";
    const sent = $("sent");
    sent.hidden = ticket.status !== "sent";
    if (ticket.status === "sent") {
      sent.textContent = "Approved by " + (ticket.approved_by || "—") + " on " + new Date(ticket.approved_at).toLocaleString() + ".";
      area.value = ticket.sent_text;
    }
  }

  function renderTicketStatus() {
    const node = $("ticket-status");
    node.textContent = TICKET_LABELS[ticket.status] || ticket.status;
    node.className = "status " + ({ review: "done", sent: "done", failed: "failed" }[ticket.status] || "running");
  }

  function renderAll() { renderTicketStatus(); renderPhotos(); renderFindings(); renderAnalysisStatus(); renderDraft(); }

  // ---- live updates --------------------------------------------------------------------------------------------
  async function refresh() {
    const r = await fetch("/support/api/tickets/" + ticket.id + "/", { credentials: "same-origin" });
    if (!r.ok) return;
    ticket = await r.json();
    renderAll();
    follow();
  }

  function analysisView() {
    return {
      text: "",
      render() {
        const value = partialJson(this.text);
        liveIssues = value && Array.isArray(value.issues) ? value.issues.filter((i) => i && typeof i === "object") : [];
        renderPhotos(); renderFindings();
      },
      setStatus(s, position) { renderAnalysisStatus(s, position); },
      error(message) { $("analysis-error").textContent = message || ""; },
      final() { liveIssues = []; refresh(); },
    };
  }

  function draftView() {
    return {
      text: "",
      render() { renderDraft(this.text); const a = $("draft"); a.scrollTop = a.scrollHeight; },
      setStatus(s) { const node = $("draft-status"); node.textContent = LABELS[s] || s; node.className = "status " + s; },
      error(message) { $("draft-error").textContent = message || ""; },
      final() { refresh(); },
    };
  }

  function open(runId, view) {
    if (following.has(runId)) return;
    following.add(runId);
    RunStream.open(runId, view);
  }

  function follow() {
    if (isActive(ticket.analysis_run)) { open(ticket.analysis_run.id, analysisView()); return; }
    const run = ticket.draft && ticket.draft.run;
    if (isActive(run)) open(run.id, draftView());
    else if (ticket.status === "drafting" && !ticket.draft && !ticket.reply_error) setTimeout(refresh, 700);
  }

  // ---- actions -------------------------------------------------------------------------------------------------
  async function act(url, body, note) {
    $("draft-error").textContent = "";
    const r = await VD.post(url, body);
    const data = await r.json();
    if (!r.ok) { $("draft-error").textContent = data.error.message; return false; }
    ticket = data; renderAll(); follow();
    $("action-note").textContent = note || "";
    return true;
  }

  async function copy(text) {
    try { await navigator.clipboard.writeText(text); return true; } catch (e) {
      const area = $("draft"); area.select();
      try { return document.execCommand("copy"); } catch (e2) { return false; }
    }
  }

  const base = "/support/api/tickets/" + ticket.id;
  $("regenerate").addEventListener("click", () =>
    act(base + "/regenerate/", { tone: $("tone").value, language: $("language").value }, ""));
  $("save-draft").addEventListener("click", () => act(base + "/draft/", { text: $("draft").value }, "Saved."));
  $("approve").addEventListener("click", async () => {
    if (!(await act(base + "/approve/", { text: $("draft").value }, ""))) return;
    const copied = await copy(ticket.sent_text);
    $("action-note").textContent = copied ? "Approved and copied to the clipboard." : "Approved. Copy the reply with the button.";
  });
  $("copy").addEventListener("click", async () => {
    $("action-note").textContent = (await copy($("draft").value)) ? "Copied to the clipboard." : "Select the text and copy it.";
  });
  $("analysis-retry").addEventListener("click", async () => {
    const r = await VD.post("/api/runs/" + ticket.analysis_run.id + "/retry/", {});
    if (r.ok) { following.delete(ticket.analysis_run.id); refresh(); }
  });

  renderAll();
  follow();
})();

// The review page: the pages with each step's box, the transcription with formulas (KaTeX), the explanation as it
// streams, read-aloud, approval. Model text is always inserted with textContent; KaTeX builds formulas itself and
// LaTeX it cannot read is shown as written.
(function () {
  const $ = (id) => document.getElementById(id);
  const RUN_LABELS = { queued: "Queued", running: "Running", done: "Done", failed: "Failed", cancelled: "Cancelled" };
  const ACTIVE = ["queued", "running"];
  let data = JSON.parse($("submission-data").textContent);
  const opened = new Set();
  let activeStep = null;

  // Render LaTeX with KaTeX; on any error show the source as text (never HTML) and mark it.
  function renderTex(el, tex, display) {
    el.classList.remove("latex-source");
    el.removeAttribute("title");
    if (!tex) { el.textContent = ""; return; }
    try {
      katex.render(tex, el, { throwOnError: true, trust: false, displayMode: !!display });
    } catch (e) {
      el.textContent = tex;
      el.classList.add("latex-source");
      el.title = "This LaTeX could not be rendered; it is shown as written.";
    }
  }

  // The longest valid JSON value that the streamed text so far can be closed into (null if none yet).
  function partialJSON(text) {
    const stack = [], cuts = [];
    let inString = false, escaped = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === "\\") escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === "{" || c === "[") { stack.push(c === "{" ? "}" : "]"); cuts.push([i + 1, stack.slice()]); }
      else if (c === "}" || c === "]") { stack.pop(); cuts.push([i + 1, stack.slice()]); }
      else if (c === ",") cuts.push([i, stack.slice()]);
    }
    const close = (s, st) => s + st.slice().reverse().join("");
    const tries = [];
    if (inString) tries.push(close(text.replace(/\\u?[0-9a-fA-F]{0,3}$/, "") + '"', stack));
    else tries.push(close(text, stack));
    for (let k = cuts.length - 1; k >= 0 && tries.length < 6; k--) tries.push(close(text.slice(0, cuts[k][0]), cuts[k][1]));
    for (const t of tries) { try { return JSON.parse(t); } catch (e) { /* try an earlier cut */ } }
    return null;
  }

  function el(tag, cls, text) {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  function setRunStatus(node, run) {
    const s = run ? run.status : "";
    node.textContent = run ? RUN_LABELS[s] || s : "—";
    node.className = "status " + s;
  }

  // ---- pages with boxes ----------------------------------------------------------------------------------------
  function renderPages(steps, wrong) {
    const root = $("pages");
    root.replaceChildren();
    data.pages.forEach((page) => {
      const figure = el("figure", "page-figure");
      figure.id = "page-" + page.page;
      const img = el("img");
      img.src = page.url; img.alt = "page " + page.page; img.loading = "lazy";
      figure.append(img);
      steps.filter((s) => (s.page || 1) === page.page && Array.isArray(s.bbox_2d) && s.bbox_2d.length === 4).forEach((s) => {
        const [x1, y1, x2, y2] = s.bbox_2d.map((v) => Math.max(0, Math.min(1000, Number(v) || 0)));
        const box = el("div", "box" + (s.position === wrong ? " wrong" : "") + (s.crossed_out ? " crossed" : ""));
        box.dataset.step = s.position;
        Object.assign(box.style, {
          left: x1 / 10 + "%", top: y1 / 10 + "%", width: Math.max(0, x2 - x1) / 10 + "%", height: Math.max(0, y2 - y1) / 10 + "%",
        });
        box.append(el("span", "box-label", String(s.position)));
        box.addEventListener("click", () => highlight(s.position));
        figure.append(box);
      });
      figure.append(el("figcaption", "muted", "Page " + page.page));
      root.append(figure);
    });
  }

  function highlight(position) {
    activeStep = activeStep === position ? null : position;
    document.querySelectorAll(".box, #steps li").forEach((node) => {
      node.classList.toggle("active", Number(node.dataset.step) === activeStep);
    });
  }

  // ---- transcription -------------------------------------------------------------------------------------------
  function renderSteps(steps, wrong, live) {
    const list = $("steps");
    list.replaceChildren();
    steps.forEach((s, i) => {
      const position = s.position || i + 1;
      const li = el("li", "step" + (position === wrong ? " wrong" : "") + (s.crossed_out ? " crossed" : ""));
      li.dataset.step = position;
      li.value = position;
      const head = el("div", "step-head");
      if (s.text) head.append(el("span", "step-text", s.text));
      const tags = el("span", "tags");
      tags.append(el("span", "tag", "p. " + (s.page || 1)));
      if (s.crossed_out) tags.append(el("span", "tag crossed-tag", "crossed out"));
      if (position === wrong) tags.append(el("span", "tag wrong-tag", "first mistake"));
      head.append(tags);
      li.append(head);
      if (s.latex) {
        const formula = el("div", "formula");
        if (live) formula.textContent = s.latex; else renderTex(formula, s.latex, false);
        li.append(formula);
      }
      li.addEventListener("click", () => highlight(position));
      list.append(li);
    });
    $("steps-empty").hidden = steps.length > 0 || live;
  }

  function renderTranscription(t, wrong, live) {
    $("exercise").textContent = t.exercise || "";
    const exerciseTex = $("exercise-latex");
    if (live) exerciseTex.textContent = t.exercise_latex || ""; else renderTex(exerciseTex, t.exercise_latex || "", true);
    const steps = (t.steps || []).filter((s) => s && typeof s === "object");
    steps.forEach((s, i) => { if (!s.position) s.position = i + 1; });
    renderSteps(steps, wrong, live);
    renderPages(steps, wrong);
  }

  // ---- explanation ---------------------------------------------------------------------------------------------
  function renderExplanation(x) {
    $("explanation-live").hidden = true;
    $("explanation").hidden = !x;
    if (!x) return;
    $("problem-restated").textContent = x.problem_restated;
    const mistake = $("mistake");
    mistake.classList.toggle("none", !x.wrong_step);
    $("mistake-title").textContent = x.wrong_step ? "The first mistake: step " + x.wrong_step : "No error found";
    $("why-wrong").textContent = x.why_wrong;
    $("mistake-type").textContent = x.wrong_step && x.mistake_type && x.mistake_type !== "none" ? "Kind of mistake: " + x.mistake_type : "";
    $("wrong-step-note").textContent = x.wrong_step_note ? "The model's answer was not used: " + x.wrong_step_note + "." : "";
    const list = $("correct-steps");
    list.replaceChildren();
    (x.correct_steps || []).forEach((s) => {
      const li = el("li", "step");
      if (s.text) li.append(el("div", "step-text", s.text));
      if (s.latex) { const f = el("div", "formula"); renderTex(f, s.latex, false); li.append(f); }
      list.append(li);
    });
    $("correct-steps-empty").hidden = (x.correct_steps || []).length > 0;
    $("explanation-text").textContent = x.explanation;
    $("read-aloud-script").textContent = x.read_aloud;
  }

  function renderLiveExplanation(v) {
    const lines = [];
    if (v.problem_restated) lines.push("The problem: " + v.problem_restated);
    if (typeof v.first_wrong_step === "number") lines.push("First mistake: step " + v.first_wrong_step);
    if (v.why_wrong) lines.push("Why: " + v.why_wrong);
    (Array.isArray(v.correct_steps) ? v.correct_steps : []).forEach((s, i) => {
      if (s && typeof s === "object") lines.push((i + 1) + ". " + [s.text, s.latex].filter(Boolean).join("   "));
    });
    if (v.explanation) lines.push("For the student: " + v.explanation);
    if (v.read_aloud) lines.push("To read aloud: " + v.read_aloud);
    const live = $("explanation-live");
    live.hidden = false;
    $("explanation").hidden = true;
    live.textContent = lines.join("\n\n");
  }

  // ---- state and actions ---------------------------------------------------------------------------------------
  function isActive(run) { return !!run && ACTIVE.includes(run.status); }

  function renderState() {
    const state = $("state");
    state.textContent = data.state_label;
    state.className = "status state-" + data.state;
    setRunStatus($("transcribe-status"), data.runs.transcribe);
    setRunStatus($("explain-status"), data.runs.explain);
    const busy = isActive(data.runs.transcribe) || isActive(data.runs.explain);
    const x = data.explanation;
    $("read-aloud").disabled = !(x && (x.read_aloud || x.explanation));
    $("edit-button").disabled = busy || !data.runs.transcribe || data.runs.transcribe.status !== "done";
    $("approve-button").disabled = data.state !== "review";
    $("approve-button").textContent = data.state === "approved" ? "Approved" : "Approve";
    $("explain-again").hidden = busy || !data.runs.transcribe || data.runs.transcribe.status !== "done";
    const failed = [data.runs.transcribe, data.runs.explain].find((r) => r && (r.status === "failed" || r.status === "cancelled"));
    $("retry-button").hidden = !failed || busy;
    $("retry-button").dataset.run = failed ? failed.id : "";
    const link = $("worksheet-link");
    link.hidden = !x;
    link.href = data.worksheet_url;
    link.textContent = data.state === "approved" ? "Worksheet PDF" : "Worksheet PDF (draft)";
    const problems = [data.start_error];
    if (failed) problems.push("The run failed: " + (failed.error || failed.status));
    $("review-error").textContent = problems.filter(Boolean).join(" ");
  }

  function renderAll() {
    const wrong = data.explanation ? data.explanation.wrong_step : null;
    renderTranscription(data.transcription, wrong, false);
    renderExplanation(data.explanation);
    renderState();
    if (!data.explanation && isActive(data.runs.explain)) $("explanation-live").hidden = false;
  }

  function liveView(kind) {
    const status = kind === "transcribe" ? $("transcribe-status") : $("explain-status");
    const view = {
      text: "",
      render() {
        const value = view.text ? partialJSON(view.text) : null;
        if (!value || typeof value !== "object") return;
        if (kind === "transcribe") renderTranscription(value, null, true); else renderLiveExplanation(value);
      },
      setStatus(s, position) {
        status.textContent = (RUN_LABELS[s] || s) + (s === "queued" && position ? " (#" + position + " in line)" : "");
        status.className = "status " + s;
      },
      error(message) { if (message) $("review-error").textContent = message; },
      final(run) { view.setStatus(run.status); refresh(); },
    };
    return view;
  }

  function openStreams() {
    for (const kind of ["transcribe", "explain"]) {
      const run = data.runs[kind];
      if (isActive(run) && !opened.has(run.id)) { opened.add(run.id); RunStream.open(run.id, liveView(kind)); }
    }
    if (data.state === "explaining" && !data.runs.explain) setTimeout(refresh, 1000); // about to start
  }

  async function refresh() {
    const r = await fetch("/tutoring/api/submissions/" + data.id + "/", { credentials: "same-origin" });
    if (!r.ok) return;
    setData(await r.json());
  }

  function setData(next) {
    data = next;
    renderAll();
    openStreams();
  }

  async function act(url, button) {
    $("review-error").textContent = "";
    if (button) button.disabled = true;
    const r = await VD.post(url, {});
    const body = await r.json();
    if (!r.ok) { $("review-error").textContent = body.error.message; if (button) button.disabled = false; return null; }
    return body;
  }

  // The browser reads the script aloud in the submission's language (en or zh-CN), with a matching voice if any.
  function readAloud() {
    const x = data.explanation || {};
    const text = x.read_aloud || x.explanation;
    if (!text) return;
    if (!("speechSynthesis" in window)) { $("review-error").textContent = "This browser cannot read aloud."; return; }
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = data.language;
    const voices = window.speechSynthesis.getVoices() || [];
    const base = data.language.split("-")[0].toLowerCase();
    const voice = voices.find((v) => v.lang.toLowerCase() === data.language.toLowerCase())
      || voices.find((v) => v.lang.toLowerCase().startsWith(base));
    if (voice) utterance.voice = voice;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  }

  $("read-aloud").addEventListener("click", readAloud);
  $("approve-button").addEventListener("click", async () => {
    const body = await act("/tutoring/api/submissions/" + data.id + "/approve/", $("approve-button"));
    if (body) setData(body);
  });
  $("explain-again").addEventListener("click", async () => {
    const body = await act("/tutoring/api/submissions/" + data.id + "/explain/", $("explain-again"));
    if (body) setData(body);
  });
  $("retry-button").addEventListener("click", async () => {
    const runId = $("retry-button").dataset.run;
    const body = await act("/api/runs/" + runId + "/retry/", $("retry-button"));
    if (body) { opened.delete(runId); refresh(); }
  });

  window.TutoringReview = { get data() { return data; }, setData, renderTex, partialJSON };
  renderAll();
  openStreams();
})();

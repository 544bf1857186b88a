// The teacher's corrections on the review page: the transcription (steps, formulas, the first mistake) and the
// explanation. Saving sends one PATCH; the page then shows the saved submission, which must be approved again.
(function () {
  const $ = (id) => document.getElementById(id);
  const review = window.TutoringReview;
  const form = $("edit-form");
  const mistakeTypes = JSON.parse($("mistake-types").textContent);

  function input(value, cls, placeholder, maxLength) {
    const node = document.createElement("input");
    node.type = "text"; node.className = cls; node.value = value || ""; node.placeholder = placeholder;
    node.maxLength = maxLength;
    return node;
  }

  function button(text, onClick) {
    const node = document.createElement("button");
    node.type = "button"; node.className = "link"; node.textContent = text;
    node.addEventListener("click", onClick);
    return node;
  }

  // A LaTeX field with a live preview under it (KaTeX, or the source when it does not render).
  function latexField(value) {
    const wrap = document.createElement("div");
    wrap.className = "latex-field";
    const field = input(value, "edit-latex", "LaTeX, e.g. \\frac{3}{4} + x^2", 1000);
    const preview = document.createElement("div");
    preview.className = "preview";
    const update = () => review.renderTex(preview, field.value.trim(), false);
    field.addEventListener("input", update);
    update();
    wrap.append(field, preview);
    return wrap;
  }

  function numberRows(list) {
    list.querySelectorAll(":scope > li").forEach((li, i) => {
      li.querySelector(".row-number").textContent = String(i + 1);
      const radio = li.querySelector("input[type=radio]");
      if (radio) radio.value = String(i + 1);
    });
  }

  function stepRow(step, wrong) {
    const li = document.createElement("li");
    li.className = "edit-step";
    li.dataset.id = step.id || "";
    const pages = document.createElement("select");
    pages.className = "edit-page";
    review.data.pages.forEach((p) => pages.append(new Option("p. " + p.page, p.page, false, p.page === (step.page || 1))));
    const crossed = document.createElement("label");
    crossed.className = "choice inline-choice";
    crossed.innerHTML = '<input type="checkbox" class="edit-crossed"> crossed out';
    crossed.querySelector("input").checked = !!step.crossed_out;
    const mark = document.createElement("label");
    mark.className = "choice inline-choice";
    mark.innerHTML = '<input type="radio" name="wrong-step"> first mistake';
    mark.querySelector("input").checked = !!step.position && step.position === wrong;
    const head = document.createElement("div");
    head.className = "edit-step-head";
    const number = document.createElement("strong");
    number.className = "row-number";
    head.append(number, input(step.text, "edit-text", "What the student wrote", 1000), pages, crossed, mark,
      button("Remove", () => { li.remove(); numberRows($("edit-steps")); }));
    li.append(head, latexField(step.latex));
    return li;
  }

  function correctRow(step) {
    const li = document.createElement("li");
    li.className = "edit-step";
    const head = document.createElement("div");
    head.className = "edit-step-head";
    const number = document.createElement("strong");
    number.className = "row-number";
    head.append(number, input(step.text, "edit-text", "The step in words", 1000),
      button("Remove", () => { li.remove(); numberRows($("edit-correct-steps")); }));
    li.append(head, latexField(step.latex));
    return li;
  }

  function fill() {
    const d = review.data;
    const x = d.explanation || {};
    $("edit-exercise").value = d.transcription.exercise;
    $("edit-exercise-latex").value = d.transcription.exercise_latex;
    review.renderTex($("edit-exercise-preview"), d.transcription.exercise_latex, true);
    const wrong = x.wrong_step || 0;
    $("edit-steps").replaceChildren(...d.transcription.steps.map((s) => stepRow(s, wrong)));
    numberRows($("edit-steps"));
    $("no-mistake").checked = !wrong;
    $("edit-problem").value = x.problem_restated || "";
    $("edit-why").value = x.why_wrong || "";
    const select = $("edit-mistake-type");
    select.replaceChildren(...mistakeTypes.map((t) => new Option(t, t, false, t === (x.mistake_type || "none"))));
    $("edit-correct-steps").replaceChildren(...(x.correct_steps || []).map(correctRow));
    numberRows($("edit-correct-steps"));
    $("edit-explanation").value = x.explanation || "";
    $("edit-read-aloud").value = x.read_aloud || "";
    $("edit-error").textContent = "";
  }

  function collect() {
    const steps = [...$("edit-steps").children].map((li) => ({
      id: li.dataset.id ? Number(li.dataset.id) : null,
      text: li.querySelector(".edit-text").value,
      latex: li.querySelector(".edit-latex").value,
      page: Number(li.querySelector(".edit-page").value),
      crossed_out: li.querySelector(".edit-crossed").checked,
    }));
    const marked = form.querySelector("input[name=wrong-step]:checked");
    const body = {
      exercise: $("edit-exercise").value,
      exercise_latex: $("edit-exercise-latex").value,
      steps,
      wrong_step: marked ? Number(marked.value) : 0,
    };
    if (review.data.explanation) {
      Object.assign(body, {
        problem_restated: $("edit-problem").value,
        why_wrong: $("edit-why").value,
        mistake_type: $("edit-mistake-type").value,
        correct_steps: [...$("edit-correct-steps").children].map((li) => ({
          text: li.querySelector(".edit-text").value, latex: li.querySelector(".edit-latex").value,
        })),
        explanation: $("edit-explanation").value,
        read_aloud: $("edit-read-aloud").value,
      });
    }
    return body;
  }

  function show(editing) {
    form.hidden = !editing;
    $("review-main").hidden = editing;
    form.querySelectorAll(".explanation-only").forEach((n) => { n.hidden = !review.data.explanation; });
    if (editing) { fill(); form.scrollIntoView({ block: "start" }); }
  }

  $("edit-button").addEventListener("click", () => show(true));
  $("cancel-edit").addEventListener("click", () => show(false));
  $("edit-exercise-latex").addEventListener("input", (e) => review.renderTex($("edit-exercise-preview"), e.target.value.trim(), true));
  $("add-step").addEventListener("click", () => {
    $("edit-steps").append(stepRow({ page: 1 }, 0));
    numberRows($("edit-steps"));
  });
  $("add-correct-step").addEventListener("click", () => {
    $("edit-correct-steps").append(correctRow({}));
    numberRows($("edit-correct-steps"));
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await fetch("/tutoring/api/submissions/" + review.data.id + "/edit/", {
      method: "PATCH", credentials: "same-origin",
      headers: VD.headers({ "Content-Type": "application/json" }), body: JSON.stringify(collect()),
    });
    const body = await r.json();
    if (!r.ok) { $("edit-error").textContent = body.error.message; return; }
    show(false);
    review.setData(body);
  });
})();

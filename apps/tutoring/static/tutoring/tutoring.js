// The tutoring start page: add classes and students, upload homework pages and send them to be read and explained.
(function () {
  async function send(url, body, errorEl) {
    errorEl.textContent = "";
    const r = await VD.post(url, body);
    const data = await r.json();
    if (!r.ok) { errorEl.textContent = data.error.message + fieldErrors(data.error); return null; }
    return data;
  }

  function fieldErrors(error) {
    const fields = (error.details || {}).fields || {};
    return Object.keys(fields).map((k) => " " + k + ": " + [].concat(fields[k]).join(" ")).join("");
  }

  const classroomForm = document.getElementById("classroom-form");
  classroomForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const name = document.getElementById("classroom-name").value.trim();
    const err = document.getElementById("classroom-error");
    if (!name) { err.textContent = "Give the class a name."; return; }
    if (await send("/tutoring/api/classes/create/", { name }, err)) location.reload();
  });

  const studentForm = document.getElementById("student-form");
  studentForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const err = document.getElementById("student-error");
    const name = document.getElementById("student-name").value.trim();
    if (!name) { err.textContent = "Type the student's name."; return; }
    const classroom = document.getElementById("student-classroom").value;
    const body = {
      name, classroom: classroom ? Number(classroom) : null,
      grade_level: Number(document.getElementById("student-grade").value),
      subject: document.getElementById("student-subject").value,
      language: document.getElementById("student-language").value,
    };
    if (await send("/tutoring/api/students/create/", body, err)) location.reload();
  });

  const form = document.getElementById("submission-form");
  if (!form) return;
  const studentSelect = document.getElementById("submission-student");
  const subject = document.getElementById("submission-subject");
  const language = document.getElementById("submission-language");
  const input = document.getElementById("page-input");
  const list = document.getElementById("page-list");
  const error = document.getElementById("submission-error");
  const pages = [];

  function studentDefaults() {
    const option = studentSelect.selectedOptions[0];
    if (!option) return;
    subject.value = option.dataset.subject;
    language.value = option.dataset.language;
  }
  studentSelect.addEventListener("change", studentDefaults);
  studentDefaults();

  function showPage(p) {
    const li = document.createElement("li");
    li.className = "page ready";
    const img = document.createElement("img");
    img.src = p.thumbnail_url; img.alt = "page " + pages.length;
    const info = document.createElement("span");
    info.textContent = "Page " + pages.length + " · " + p.width + "×" + p.height + " px · ready";
    const remove = document.createElement("button");
    remove.type = "button"; remove.className = "link"; remove.textContent = "Remove";
    remove.addEventListener("click", () => { pages.splice(pages.indexOf(p.sha256), 1); li.remove(); renumber(); });
    li.append(img, info, remove);
    list.append(li);
  }

  function renumber() {
    list.querySelectorAll("li.ready span").forEach((span, i) => {
      span.textContent = span.textContent.replace(/^Page \d+/, "Page " + (i + 1));
    });
  }

  function showRejected(r) {
    const li = document.createElement("li");
    li.className = "page rejected";
    li.textContent = r.filename + ": " + r.reason;
    list.append(li);
  }

  input.addEventListener("change", async () => {
    error.textContent = "";
    for (const file of input.files) {
      const body = new FormData();
      body.append("files", file);
      body.append("task", "homework_transcribe");
      const r = await VD.post("/api/photos/", body);
      const data = await r.json();
      if (r.ok) { data.photos.forEach((p) => { pages.push(p.sha256); showPage(p); }); data.rejected.forEach(showRejected); }
      else { ((data.error.details || {}).rejected || [{ filename: file.name, reason: data.error.message }]).forEach(showRejected); }
    }
    input.value = "";
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    if (!pages.length) { error.textContent = "Add at least one page first."; return; }
    const button = document.getElementById("submit-button");
    button.disabled = true;
    const body = {
      student: Number(studentSelect.value), photos: pages.slice(), subject: subject.value, language: language.value,
      teacher_note: document.getElementById("submission-note").value,
    };
    const data = await send("/tutoring/api/submissions/create/", body, error);
    button.disabled = false;
    if (data) location.href = data.page_url;
  });
})();

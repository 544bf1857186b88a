// The "Ask about photos" page: each photo is uploaded and shown ready at once; the answer streams in.
(function () {
  const input = document.getElementById("photo-input");
  const list = document.getElementById("photo-list");
  const form = document.getElementById("ask-form");
  const error = document.getElementById("ask-error");
  const ready = [];
  const detail = () => form.querySelector("input[name=detail]:checked").value;

  function showPhoto(p) {
    const li = document.createElement("li");
    li.className = "photo ready";
    const img = document.createElement("img");
    img.src = p.thumbnail_url; img.alt = "uploaded photo";
    const info = document.createElement("div");
    const x = p.exif || {};
    const facts = [p.width + "×" + p.height + " px"];
    if (x.camera) facts.push(x.camera);
    if (x.taken_at) facts.push("taken " + x.taken_at);
    if (x.dpi) facts.push(x.dpi + " dpi");
    if (x.had_gps) facts.push("location data removed");
    info.innerHTML = '<strong class="ready-label">Ready</strong> <span class="exif"></span>';
    info.querySelector(".exif").textContent = facts.join(" · ");
    li.append(img, info);
    list.append(li);
  }

  function showRejected(r) {
    const li = document.createElement("li");
    li.className = "photo rejected";
    li.textContent = r.filename + ": " + r.reason;
    list.append(li);
  }

  input.addEventListener("change", async () => {
    error.textContent = "";
    for (const file of input.files) {
      const body = new FormData();
      body.append("files", file);
      body.append("task", "describe");
      body.append("detail", detail()); // prepared (and the engine warmed) at the size the question will use
      const r = await VD.post("/api/photos/", body);
      const data = await r.json();
      if (r.ok) { data.photos.forEach((p) => { ready.push(p.sha256); showPhoto(p); }); data.rejected.forEach(showRejected); }
      else { ((data.error.details || {}).rejected || [{ filename: file.name, reason: data.error.message }]).forEach(showRejected); }
    }
    input.value = "";
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    const question = document.getElementById("question").value.trim();
    if (!ready.length) { error.textContent = "Add at least one photo first."; return; }
    if (!question) { error.textContent = "Type a question."; return; }
    const body = {
      task: "describe", photos: ready.slice(), question,
      activity: form.querySelector("input[name=activity]:checked").value,
      length: form.querySelector("input[name=length]:checked").value,
      detail: detail(),
    };
    const r = await VD.post("/api/runs/create/", body);
    const data = await r.json();
    if (!r.ok) { error.textContent = data.error.message; return; }
    document.getElementById("answer-card").hidden = false;
    document.getElementById("run-link").href = "/runs/" + data.id + "/";
    const view = RunView.attach(document, data, () => {});
    RunStream.open(data.id, view);
  });
})();

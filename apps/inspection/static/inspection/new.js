// New inspection: photos are uploaded (and shown ready) at once; submitting starts the model's reading.
(function () {
  const form = document.getElementById("new-inspection");
  if (!form) return;
  const input = document.getElementById("photo-input");
  const list = document.getElementById("photo-list");
  const error = document.getElementById("create-error");
  const maxPhotos = Number(form.dataset.maxPhotos);
  const ready = [];

  function item(className, text) {
    const li = document.createElement("li");
    li.className = "photo " + className;
    li.textContent = text;
    list.append(li);
    return li;
  }

  function showPhoto(p) {
    const li = item("ready", "");
    const img = document.createElement("img");
    img.src = p.thumbnail_url; img.alt = "photo " + ready.length;
    const info = document.createElement("div");
    const label = document.createElement("strong");
    label.className = "ready-label"; label.textContent = "Ready";
    const facts = document.createElement("span");
    facts.className = "exif";
    const x = p.exif || {};
    facts.textContent = " " + [p.width + "×" + p.height + " px", x.camera, x.taken_at && "taken " + x.taken_at]
      .filter(Boolean).join(" · ");
    info.append(label, facts);
    li.append(img, info);
  }

  input.addEventListener("change", async () => {
    error.textContent = "";
    for (const file of input.files) {
      if (ready.length >= maxPhotos) { item("rejected", file.name + ": at most " + maxPhotos + " photos per inspection."); continue; }
      const body = new FormData();
      body.append("files", file);
      body.append("warm_for", "inspection_report");
      const r = await VD.post("/api/photos/", body);
      const data = await r.json();
      if (r.ok) {
        data.photos.forEach((p) => { if (!ready.includes(p.sha256)) { ready.push(p.sha256); showPhoto(p); } });
        data.rejected.forEach((x) => item("rejected", x.filename + ": " + x.reason));
      } else {
        ((data.error.details || {}).rejected || [{ filename: file.name, reason: data.error.message }])
          .forEach((x) => item("rejected", x.filename + ": " + x.reason));
      }
    }
    input.value = "";
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    if (!ready.length) { error.textContent = "Add at least one photo first."; return; }
    const button = document.getElementById("create-button");
    button.disabled = true;
    const r = await VD.post(form.dataset.createUrl, {
      site: Number(document.getElementById("site").value),
      date: document.getElementById("date").value || undefined,
      note: document.getElementById("note").value,
      photos: ready.slice(),
    });
    const data = await r.json();
    if (!r.ok) { error.textContent = data.error.message; button.disabled = false; return; }
    location.href = "/inspection/" + data.id + "/";
  });
})();

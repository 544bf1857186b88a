// New ticket: photos are uploaded (and shown ready) as they are chosen; creating the ticket opens its page.
(function () {
  const form = document.getElementById("ticket-form");
  if (!form) return;
  const input = document.getElementById("photo-input");
  const list = document.getElementById("photo-list");
  const error = document.getElementById("ticket-error");
  const maxPhotos = 4;
  let ready = [];

  function showPhoto(p) {
    const li = document.createElement("li");
    li.className = "photo ready";
    const img = document.createElement("img");
    img.src = p.thumbnail_url; img.alt = "customer photo " + (ready.length);
    const info = document.createElement("div");
    const label = document.createElement("strong");
    label.className = "ready-label"; label.textContent = "Photo " + ready.length + " ready";
    const size = document.createElement("span");
    size.className = "exif"; size.textContent = " " + p.width + "×" + p.height + " px";
    const remove = document.createElement("button");
    remove.type = "button"; remove.className = "link"; remove.textContent = "Remove";
    remove.addEventListener("click", () => { ready = ready.filter((s) => s !== p.sha256); li.remove(); });
    info.append(label, size, document.createElement("br"), remove);
    li.append(img, info);
    list.append(li);
  }

  function showRejected(name, reason) {
    const li = document.createElement("li");
    li.className = "photo rejected";
    li.textContent = name + ": " + reason;
    list.append(li);
  }

  input.addEventListener("change", async () => {
    error.textContent = "";
    for (const file of input.files) {
      if (ready.length >= maxPhotos) { showRejected(file.name, "at most " + maxPhotos + " photos per ticket"); continue; }
      const body = new FormData();
      body.append("files", file);
      body.append("task", "defect_analysis");
      const r = await VD.post("/api/photos/", body);
      const data = await r.json();
      if (r.ok) {
        data.photos.forEach((p) => { if (!ready.includes(p.sha256)) { ready.push(p.sha256); showPhoto(p); } });
        data.rejected.forEach((x) => showRejected(x.filename, x.reason));
      } else {
        ((data.error.details || {}).rejected || [{ filename: file.name, reason: data.error.message }])
          .forEach((x) => showRejected(x.filename, x.reason));
      }
    }
    input.value = "";
  });

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    if (!ready.length) { error.textContent = "Add at least one photo of the delivery."; return; }
    const tone = form.querySelector("input[name=tone]:checked");
    const body = {
      sku: document.getElementById("sku").value,
      customer_message: document.getElementById("customer-message").value,
      customer_name: document.getElementById("customer-name").value,
      order_ref: document.getElementById("order-ref").value,
      language: document.getElementById("language").value,
      photos: ready.slice(),
    };
    if (tone) body.tone = tone.value;
    const button = document.getElementById("create-button");
    button.disabled = true;
    const r = await VD.post("/support/api/tickets/create/", body);
    const data = await r.json();
    button.disabled = false;
    if (!r.ok) { error.textContent = data.error.message; return; }
    location.href = data.url;
  });
})();

// Sites and equipment: forms that write through the API, then reload the page to show the registry as saved.
(function () {
  function fail(form, data) {
    const details = (data.error && data.error.details) || {};
    const lines = (details.errors || []).slice(0, 20);
    form.querySelector(".error").textContent = [(data.error && data.error.message) || "Something went wrong."]
      .concat(lines.length > 5 ? lines.slice(5) : []).join("\n");
  }

  async function call(method, url, body) {
    const isForm = body instanceof FormData;
    const r = await fetch(url, {
      method, credentials: "same-origin",
      headers: VD.headers(isForm ? {} : { "Content-Type": "application/json" }),
      body: isForm ? body : body === undefined ? undefined : JSON.stringify(body),
    });
    return { ok: r.ok, data: r.status === 204 ? {} : await r.json().catch(() => ({})) };
  }

  function formValues(form) {
    const values = {};
    new FormData(form).forEach((v, k) => { values[k] = typeof v === "string" ? v.trim() : v; });
    ["normal_min", "normal_max", "alarm_min", "alarm_max"].forEach((k) => {
      if (k in values) values[k] = values[k] === "" ? null : Number(values[k]);
    });
    return values;
  }

  const siteForm = document.getElementById("site-form");
  if (siteForm) siteForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const { ok, data } = await call("POST", siteForm.dataset.url, formValues(siteForm));
    if (ok) location.href = "/inspection/sites/" + data.id + "/"; else fail(siteForm, data);
  });

  const form = document.getElementById("equipment-form");
  if (!form) return;
  const equipment = Object.fromEntries(JSON.parse(document.getElementById("equipment-data").textContent).map((e) => [e.id, e]));
  let editingId = null;

  function startEdit(id) {
    editingId = id;
    const e = equipment[id];
    Object.entries(e).forEach(([k, v]) => { const f = form.elements[k]; if (f) f.value = v === null ? "" : v; });
    document.getElementById("equipment-form-title").textContent = "Edit " + e.tag;
    document.getElementById("equipment-cancel").hidden = false;
    form.scrollIntoView({ behavior: "smooth" });
  }

  document.querySelectorAll("#equipment-list tr[data-id]").forEach((tr) => {
    tr.querySelector(".edit").addEventListener("click", () => startEdit(tr.dataset.id));
    tr.querySelector(".delete").addEventListener("click", async () => {
      const e = equipment[tr.dataset.id];
      if (!confirm("Delete " + e.tag + " from the registry? Reports keep the tag as read.")) return;
      const { ok } = await call("DELETE", form.dataset.itemUrl + tr.dataset.id + "/");
      if (ok) location.reload();
    });
  });
  document.getElementById("equipment-cancel").addEventListener("click", () => location.reload());

  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const url = editingId ? form.dataset.itemUrl + editingId + "/" : form.dataset.createUrl;
    const { ok, data } = await call(editingId ? "PUT" : "POST", url, formValues(form));
    if (ok) location.reload(); else fail(form, data);
  });

  const importForm = document.getElementById("import-form");
  importForm.addEventListener("submit", async (e) => {
    e.preventDefault();
    const { ok, data } = await call("POST", importForm.dataset.url, new FormData(importForm));
    if (ok) location.reload(); else fail(importForm, data);
  });
})();

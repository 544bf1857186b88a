// The operations page: renders the snapshot, then asks for a fresh one every few seconds.
(function () {
  const script = document.currentScript;
  const url = script.dataset.url;
  const refreshMs = Number(script.dataset.refreshMs) || 3000;
  const $ = (id) => document.getElementById(id);
  const set = (id, value) => { $(id).textContent = value; };
  const num = (v, digits) => (v == null ? "—" : Number(v).toLocaleString(undefined, { maximumFractionDigits: digits || 0 }));
  const ms = (v) => (v == null ? "—" : v >= 1000 ? (v / 1000).toFixed(2) + " s" : Math.round(v) + " ms");
  const money = (v) => (v == null ? "—" : "$" + Number(v).toFixed(2));
  const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

  function engine(data) {
    const e = data.engine, m = e.metrics;
    $("engine-dot").className = "engine-dot " + (e.up ? "up" : "down");
    set("engine-state", e.up ? "Up" : "Down");
    set("engine-model", e.up ? e.model : "not reachable at " + e.url);
    set("engine-running", m ? num(m.running) : "—");
    set("engine-waiting", m ? num(m.waiting) : "—");
    set("kv-cache", m ? num(m.kv_cache_pct, 1) + " %" : "—");
    $("kv-meter").style.width = m ? Math.min(100, m.kv_cache_pct) + "%" : "0";
    set("tokens-per-s", m && m.generation_tps != null ? num(m.generation_tps, 1) : "—");
    set("tokens-total", m ? num(m.generated_total) : "—");
  }

  function gpus(data) {
    const box = $("gpu");
    box.replaceChildren();
    if (!data.gpus.length) {
      const p = document.createElement("p");
      p.className = "muted";
      p.textContent = "No GPU readings on this machine (NVML not available).";
      return box.appendChild(p);
    }
    for (const g of data.gpus) {
      const p = document.createElement("p");
      p.textContent = "GPU " + g.index + " · " + g.name + ": " + num(g.memory_used_mib / 1024, 1) + " / " +
        num(g.memory_total_mib / 1024, 1) + " GiB" + (g.utilization_pct != null ? " · " + g.utilization_pct + " % busy" : "");
      const meter = document.createElement("div");
      meter.className = "meter";
      const fill = document.createElement("div");
      fill.style.width = (100 * g.memory_used_mib) / Math.max(1, g.memory_total_mib) + "%";
      meter.appendChild(fill);
      box.append(p, meter);
    }
  }

  function queue(data) {
    set("db-running", num(data.queue.running));
    set("db-queued", num(data.queue.queued));
    set("batch-pending", num(data.queue.batch_items_pending));
    set("app-in-flight", num(data.app.in_flight));
    set("app-waiting", num(data.app.waiting));
    set("ws-clients", num(data.app.websocket_clients));
  }

  function hour(data) {
    const h = data.hour;
    set("runs-hour", num(h.runs));
    set("runs-done", num(h.done));
    set("runs-failed", num(h.failed));
    for (const p of ["p50", "p90", "p99"]) {
      set("ttft-" + p, ms(h.ttft_ms[p]));
      set("latency-" + p, ms(h.latency_ms[p]));
    }
    const items = h.per_minute.map((m) => ({
      label: clock(m.t), parts: [{ value: m.done, cls: "done" }, { value: m.failed, cls: "failed" }],
    }));
    const labels = items.length ? [items[0].label, items[items.length - 1].label] : null;
    Charts.bars($("chart-runs"), items, labels);
  }

  function live(data) {
    const readings = data.engine_history;
    const pts = (key) => readings.map((r) => [r.at, r[key]]);
    const labels = readings.length ? [clock(readings[0].at * 1000), clock(readings[readings.length - 1].at * 1000)] : null;
    Charts.lines($("chart-requests"), [{ cls: "run", points: pts("running") }, { cls: "wait", points: pts("waiting") }], labels);
    Charts.lines($("chart-tps"), [{ cls: "run", points: pts("generation_tps") }], labels);
    Charts.lines($("chart-kv"), [{ cls: "run", points: pts("kv_cache_pct") }], labels);
  }

  function usageTable(id, rows) {
    const body = $(id).querySelector("tbody");
    body.replaceChildren();
    const max = Math.max(0, ...rows.map((r) => r.runs));
    for (const r of rows) {
      const tr = document.createElement("tr");
      for (const value of [r.name, num(r.runs), null, num(r.failed), num(r.tokens)]) {
        const td = document.createElement("td");
        if (value === null) td.appendChild(Charts.meter(r.runs, max)); else td.textContent = value;
        tr.appendChild(td);
      }
      body.appendChild(tr);
    }
    if (!rows.length) {
      const tr = document.createElement("tr"), td = document.createElement("td");
      td.colSpan = 5; td.className = "muted"; td.textContent = "No runs yet.";
      tr.appendChild(td); body.appendChild(tr);
    }
  }

  function cost(data) {
    const c = data.cost;
    set("cost-note", c.gpu_price_per_hour ? "GPU price: " + money(c.gpu_price_per_hour) + " per hour." :
      "Set GPU_PRICE_PER_HOUR to see what runs cost.");
    set("cost-hour", money(c.per_1000_runs_hour));
    set("cost-day", money(c.per_1000_runs_day));
  }

  function render(data) {
    engine(data); gpus(data); queue(data); hour(data); live(data); cost(data);
    usageTable("usage-apps", data.usage_day.by_app);
    usageTable("usage-teams", data.usage_day.by_team);
    set("updated-at", new Date(data.at).toLocaleTimeString());
  }

  async function refresh() {
    try {
      const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error("the server answered " + response.status);
      render(await response.json());
      set("refresh-error", "");
    } catch (err) {
      set("refresh-error", "· could not refresh: " + err.message);
    } finally {
      setTimeout(refresh, refreshMs);
    }
  }

  render(JSON.parse($("ops-data").textContent));
  setTimeout(refresh, refreshMs);
})();

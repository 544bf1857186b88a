// Small inline-SVG charts (no library, no CDN): bars for counts over time, lines for live readings.
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const PAD = { left: 36, right: 8, top: 8, bottom: 20 };

  function el(name, attrs, text) {
    const node = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    if (text != null) node.textContent = text;
    return node;
  }

  function frame(svg) {
    const box = svg.viewBox.baseVal;
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    return { w: box.width - PAD.left - PAD.right, h: box.height - PAD.top - PAD.bottom };
  }

  function niceMax(value) {
    if (!(value > 0)) return 1;
    const step = Math.pow(10, Math.floor(Math.log10(value)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= value) return m * step;
    return 10 * step;
  }

  function axes(svg, size, max, labels) {
    svg.appendChild(el("line", { x1: PAD.left, y1: PAD.top + size.h, x2: PAD.left + size.w, y2: PAD.top + size.h, class: "axis" }));
    for (const f of [0, 0.5, 1]) {
      const y = PAD.top + size.h - f * size.h;
      svg.appendChild(el("line", { x1: PAD.left, y1: y, x2: PAD.left + size.w, y2: y, class: "grid" }));
      const v = max * f;
      svg.appendChild(el("text", { x: PAD.left - 4, y: y + 4, "text-anchor": "end", class: "tick" }, v >= 10 ? Math.round(v) : +v.toFixed(1)));
    }
    if (labels) {
      svg.appendChild(el("text", { x: PAD.left, y: PAD.top + size.h + 15, class: "tick" }, labels[0]));
      svg.appendChild(el("text", { x: PAD.left + size.w, y: PAD.top + size.h + 15, "text-anchor": "end", class: "tick" }, labels[1]));
    }
  }

  function empty(svg, size, message) {
    svg.appendChild(el("text", { x: PAD.left + size.w / 2, y: PAD.top + size.h / 2, "text-anchor": "middle", class: "tick" }, message));
  }

  const Charts = {
    // items: [{label, parts: [{value, cls}]}] drawn as stacked bars.
    bars(svg, items, labels) {
      const size = frame(svg);
      const max = niceMax(Math.max(0, ...items.map((i) => i.parts.reduce((a, p) => a + p.value, 0))));
      axes(svg, size, max, labels);
      if (!items.length) return empty(svg, size, "no data yet");
      const slot = size.w / items.length;
      items.forEach((item, i) => {
        let y = PAD.top + size.h;
        for (const part of item.parts) {
          const h = (part.value / max) * size.h;
          if (h <= 0) continue;
          y -= h;
          const rect = el("rect", { x: PAD.left + i * slot + slot * 0.1, y, width: Math.max(1, slot * 0.8), height: h, class: part.cls });
          rect.appendChild(el("title", {}, item.label + ": " + part.value));
          svg.appendChild(rect);
        }
      });
    },
    // series: [{cls, points: [[t, value|null], ...]}] over a shared time axis (seconds).
    lines(svg, series, labels) {
      const size = frame(svg);
      const all = series.flatMap((s) => s.points.filter((p) => p[1] != null));
      const max = niceMax(Math.max(0, ...all.map((p) => p[1])));
      axes(svg, size, max, labels);
      if (all.length < 2) return empty(svg, size, "collecting readings…");
      const t0 = Math.min(...all.map((p) => p[0])), t1 = Math.max(...all.map((p) => p[0]));
      const x = (t) => PAD.left + ((t - t0) / Math.max(1, t1 - t0)) * size.w;
      const y = (v) => PAD.top + size.h - (v / max) * size.h;
      for (const s of series) {
        const pts = s.points.filter((p) => p[1] != null).map((p) => x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1));
        if (pts.length) svg.appendChild(el("polyline", { points: pts.join(" "), class: "line " + s.cls }));
      }
    },
    // A horizontal bar in a table cell, as wide as value/max.
    meter(value, max) {
      const svg = el("svg", { viewBox: "0 0 100 10", class: "hbar", preserveAspectRatio: "none" });
      svg.appendChild(el("rect", { x: 0, y: 0, width: max > 0 ? (100 * value) / max : 0, height: 10, class: "done" }));
      return svg;
    },
  };
  window.Charts = Charts;
})();

// Report rows on the page: the rows of a still-streaming answer, the table cells, and the boxes over the photos.
// Model text is untrusted: it only ever goes into the page through textContent.
(function () {
  const STATUS_LABELS = { normal: "Normal", abnormal: "Abnormal", cannot_tell: "Cannot tell" };
  const SVG = "http://www.w3.org/2000/svg";

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function parseObject(source) {
    try { return JSON.parse(source); } catch (e) { /* raw control characters: tolerated like the server does */ }
    try { return JSON.parse(source.replace(/[\u0000-\u001f]/g, " ")); } catch (e) { return null; }
  }

  // The complete row objects in a partial answer such as {"rows":[{...},{...},{"equipment":"Pre
  function streamedRows(text) {
    const start = text.indexOf("[");
    const rows = [];
    if (start < 0) return rows;
    let depth = 0, inString = false, escaped = false, objectStart = -1;
    for (let i = start + 1; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === "\\") escaped = true;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === "{") { if (depth === 0) objectStart = i; depth++; }
      else if (c === "}") {
        depth--;
        if (depth === 0 && objectStart >= 0) {
          const row = parseObject(text.slice(objectStart, i + 1));
          if (row) rows.push(row);
          objectStart = -1;
        }
      }
    }
    return rows;
  }

  // A streamed model row in the shape the API gives, with its 0-1000 box scaled to the photo's pixels.
  function fromModel(row, number, photos) {
    const index = Number(row.photo || 1) - 1;
    const photo = photos[index];
    let box = null;
    if (photo && Array.isArray(row.bbox_2d) && row.bbox_2d.length === 4) {
      const [a, b, c, d] = row.bbox_2d.map(Number);
      box = [Math.min(a, c) / 1000 * photo.width, Math.min(b, d) / 1000 * photo.height,
             Math.max(a, c) / 1000 * photo.width, Math.max(b, d) / 1000 * photo.height];
    }
    return {
      id: null, number, name: row.equipment || "", tag: row.tag || "", type: row.type, status: row.status,
      anomaly: row.anomaly || "", action: row.action || "", reading: row.reading || null, over_limit: false,
      limit_state: "", limits: "", equipment: null, photo_index: photo ? index : null, box, source: "model",
      streaming: true,
    };
  }

  function equipmentCell(row, typeLabels) {
    const td = el("td");
    td.append(el("div", "", row.name || typeLabels[row.type] || row.type || ""));
    if (row.tag) td.append(el("span", "tag", row.tag));
    if (row.equipment) td.append(el("div", "registered", "registered: " + row.equipment.tag));
    if (row.source === "inspector") td.append(el("div", "limits", "added by the inspector"));
    return td;
  }

  function readingCell(row) {
    const td = el("td");
    if (row.reading) td.append(el("div", "", [row.reading.value, row.reading.unit].filter((x) => x !== "" && x !== null).join(" ")));
    if (row.over_limit) td.append(el("span", "over", "over limit"));
    if (row.limit_state === "unit_mismatch") td.append(el("div", "limits", "unit differs from the registered unit"));
    if (row.limits) td.append(el("div", "limits", row.limits));
    return td;
  }

  function rowCells(row, typeLabels) {
    const status = el("td");
    status.append(el("span", "pill " + row.status, STATUS_LABELS[row.status] || row.status || ""));
    return [el("td", "num", row.number), equipmentCell(row, typeLabels), status,
            el("td", "", row.anomaly), el("td", "", row.action), readingCell(row)];
  }

  function svgNode(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  // Draws each row's box on its photo's overlay; the box carries the row's number, as in the table.
  function drawBoxes(svg, photo, index, rows) {
    svg.replaceChildren();
    const size = Math.max(photo.width, photo.height) / 36;
    rows.filter((r) => r.box && r.photo_index === index).forEach((row) => {
      const [x1, y1, x2, y2] = row.box;
      const g = svgNode("g", { class: "box " + row.status + (row.streaming ? " draft" : ""), "data-number": row.number });
      g.append(svgNode("title", {}, "#" + row.number + " " + [row.tag, row.name].filter(Boolean).join(" ")));
      g.append(svgNode("rect", { class: "frame", x: x1, y: y1, width: Math.max(1, x2 - x1), height: Math.max(1, y2 - y1) }));
      const tagY = y1 >= size * 1.4 ? y1 - size * 1.4 : y1;
      g.append(svgNode("rect", { class: "tagbg", x: x1, y: tagY, width: size * (String(row.number).length * 0.7 + 0.8), height: size * 1.4 }));
      g.append(svgNode("text", { x: x1 + size * 0.4, y: tagY + size * 1.1, "font-size": size }, row.number));
      svg.append(g);
    });
  }

  window.InspectionRows = { el, streamedRows, fromModel, rowCells, drawBoxes, svgNode, STATUS_LABELS };
})();

// Shared browser helpers: API calls with the CSRF token, and a run's live stream over a websocket.
(function () {
  function cookie(name) {
    const m = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return m ? decodeURIComponent(m[1]) : "";
  }
  const VD = {
    headers(extra) { return Object.assign({ "X-CSRFToken": cookie("csrftoken") }, extra || {}); },
    post(url, body) {
      const isForm = body instanceof FormData;
      return fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: VD.headers(isForm ? {} : { "Content-Type": "application/json" }),
        body: isForm ? body : JSON.stringify(body),
      });
    },
  };

  const LABELS = {
    queued: "Queued", running: "Running", done: "Done", failed: "Failed", cancelled: "Cancelled",
    waiting: "Waiting for the model engine to come back",
  };

  // Shows a run: its text (as plain text, never HTML), status, error and timings.
  const RunView = {
    attach(root, run, onFinal) {
      const answer = root.getElementById("answer");
      const status = root.getElementById("run-status");
      const meta = root.getElementById("run-meta");
      const err = root.getElementById("run-error") || root.getElementById("ask-error");
      const view = {
        text: run.text || "",
        render() { answer.textContent = view.text; },
        setStatus(s, position) {
          const label = LABELS[s] || s;
          status.textContent = s === "queued" && position ? label + " (#" + position + " in line)" : label;
          status.className = "status " + s;
        },
        error(message) { if (err) err.textContent = message || ""; },
        final(r) {
          view.text = r.text; view.render(); view.setStatus(r.status); view.error(r.error);
          const u = r.usage || {};
          meta.textContent = [
            r.ttft_ms != null ? "first token " + Math.round(r.ttft_ms) + " ms" : "",
            r.latency_ms != null ? "total " + (r.latency_ms / 1000).toFixed(2) + " s" : "",
            "tokens in/out " + (u.prompt_tokens || 0) + " / " + (u.completion_tokens || 0),
          ].filter(Boolean).join(" · ");
          if (onFinal) onFinal(r);
        },
      };
      view.render(); view.setStatus(run.status, run.queue_position);
      if (run.status !== "queued" && run.status !== "running") view.final(run);
      return view;
    },
  };

  // Opens ws/runs/<id>/; on a dropped connection it reconnects and the server resends the whole text.
  const RunStream = {
    open(runId, view) {
      let attempt = 0, finished = false;
      function connect() {
        const proto = location.protocol === "https:" ? "wss://" : "ws://";
        const ws = new WebSocket(proto + location.host + "/ws/runs/" + runId + "/");
        ws.onopen = () => { attempt = 0; };
        ws.onmessage = (e) => {
          const m = JSON.parse(e.data);
          if (m.type === "snapshot") {
            view.text = m.run.text; view.render(); view.setStatus(m.run.status, m.run.queue_position);
            if (m.run.status !== "queued" && m.run.status !== "running") { finished = true; view.final(m.run); ws.close(); }
          } else if (m.type === "delta") {
            view.text = view.text.slice(0, m.offset) + m.text; view.render(); view.setStatus("running");
          } else if (m.type === "status") {
            view.setStatus(m.status, m.queue_position);
          } else if (m.type === "restarted") {
            view.text = ""; view.render(); view.setStatus("queued");
          } else if (m.type === "done" || m.type === "failed" || m.type === "cancelled") {
            finished = true; view.final(m.run); ws.close();
          }
        };
        ws.onclose = (e) => {
          if (finished || e.code === 4404 || e.code === 4401) return;
          attempt += 1;
          setTimeout(connect, Math.min(5000, 250 * 2 ** attempt));
        };
        RunStream.socket = ws;
      }
      connect();
    },
  };
  window.VD = VD; window.RunView = RunView; window.RunStream = RunStream;
})();

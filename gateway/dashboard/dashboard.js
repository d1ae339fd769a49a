// The health dashboard: every few seconds, one GraphQL request to this gateway fetches the new
// vitals rows of every board (aliases, one per board and day), the charts are redrawn and the
// alerts re-evaluated. Plain browser JavaScript, no build step; uPlot is served by the gateway.
"use strict";
(async function () {
  const tokenKey = "deskcluster.token";
  const cfg = await (await fetch("config.json")).json();
  const windowMs = cfg.windowMinutes * 60_000;
  const $ = (id) => document.getElementById(id);
  const status = (s) => { $("status").textContent = s; };
  const charts = [
    { key: "cpu", label: "CPU %", col: "cpu_percent", color: "#2563eb", range: [0, 100] },
    { key: "temp", label: "CPU temperature °C", col: "cpu_temp_c", color: "#dc2626" },
    { key: "mem", label: "memory available MB", col: "mem_available_kb", color: "#059669", scale: 1 / 1024 },
    { key: "mhz", label: "CPU clock MHz", col: "cpu_mhz", color: "#7c3aed" },
  ];
  const boards = new Map(cfg.boards.map((name) => [name, { name, rows: [], last: undefined, plots: {} }]));

  function card(b) {
    const el = document.createElement("section");
    el.className = "board"; el.dataset.board = b.name; el.dataset.points = "0";
    el.innerHTML = `<h2>${b.name} <span class="age"></span></h2><div class="alerts"></div><div class="charts"></div>`;
    $("boards").append(el);
    for (const c of charts) {
      const div = document.createElement("div");
      div.dataset.chart = c.key;
      el.querySelector(".charts").append(div);
      b.plots[c.key] = new uPlot({
        width: 290, height: 150, title: c.label, legend: { show: false },
        scales: { x: { time: true }, y: c.range ? { range: c.range } : { auto: true } },
        series: [{}, { label: c.label, stroke: c.color, width: 1.5, spanGaps: false }],
      }, [[], []], div);
    }
    b.el = el;
  }

  const dayOf = (ms) => new Date(ms).toISOString().slice(0, 10);
  const fields = "ts cpu_percent cpu_temp_c temp_status mem_available_kb mem_total_kb cpu_mhz";

  function query(now) {
    const days = [...new Set([dayOf(now - windowMs), dayOf(now)])];
    const parts = [];
    let i = 0;
    for (const b of boards.values()) {
      const since = new Date(b.last ?? now - windowMs).toISOString();
      for (const day of days) {
        parts.push(`b${i++}: ${cfg.table}(filter: { board: { eq: ${JSON.stringify(b.name)} }, day: { eq: "${day}" }, ts: { gt: "${since}" } }, ` +
          `options: { pageSize: 1000, consistency: LOCAL_ONE }) { values { ${fields} } }`);
      }
    }
    return { text: `query vitals { ${parts.join("\n")} }`, perBoard: days.length };
  }

  function alerts(b, now) {
    const out = [];
    const r = b.rows[b.rows.length - 1];
    if (!r || now - b.last > cfg.silentSeconds * 1000) {
      out.push(["silent", r ? `silent for ${Math.round((now - b.last) / 1000)} s` : "no data"]);
    }
    if (r && r.temp_status !== "unavailable" && r.cpu_temp_c !== null && r.cpu_temp_c > cfg.tempAlertC) {
      out.push(["temp", `CPU ${r.cpu_temp_c.toFixed(1)} °C > ${cfg.tempAlertC} °C`]);
    }
    if (r && r.mem_total_kb) {
      const pct = (100 * Number(r.mem_available_kb)) / Number(r.mem_total_kb);
      if (pct < cfg.memLowPercent) out.push(["memory", `memory available ${pct.toFixed(1)} % < ${cfg.memLowPercent} %`]);
    }
    return out;
  }

  function draw(now) {
    for (const b of boards.values()) {
      b.rows = b.rows.filter((r) => r.t >= now - windowMs);
      const xs = b.rows.map((r) => r.t / 1000);
      for (const c of charts) {
        b.plots[c.key].setData([xs, b.rows.map((r) => (r[c.col] === null || r[c.col] === undefined ? null : Number(r[c.col]) * (c.scale ?? 1)))]);
        // The whole window up to now, so a silent board shows its gap.
        b.plots[c.key].setScale("x", { min: (now - windowMs) / 1000, max: now / 1000 });
      }
      b.el.dataset.points = String(b.rows.length);
      b.el.querySelector(".age").textContent = b.last ? `last sample ${Math.max(0, Math.round((now - b.last) / 1000))} s ago` : "";
      const a = alerts(b, now);
      b.el.dataset.alerts = a.map(([k]) => k).join(" ");
      b.el.querySelector(".alerts").innerHTML = a.map(([k, text]) => `<span class="alert ${k}" data-alert="${k}">${text}</span>`).join("");
    }
    document.body.dataset.ready = [...boards.values()].every((b) => b.rows.length > 0) ? "true" : "false";
  }

  async function refresh() {
    const token = sessionStorage.getItem(tokenKey);
    if (!token) { $("login").hidden = false; status("sign in to see the vitals"); return; }
    const now = Date.now();
    const q = query(now);
    const res = await fetch(`/graphql/${encodeURIComponent(cfg.keyspace)}`, {
      method: "POST", headers: { "content-type": "application/json", "x-cassandra-token": token }, body: JSON.stringify({ query: q.text }),
    });
    if (res.status === 401) { sessionStorage.removeItem(tokenKey); $("login").hidden = false; status("session expired, sign in again"); return; }
    const body = await res.json();
    if (body.errors) status(`GraphQL: ${body.errors[0].message}`);
    let i = 0;
    for (const b of boards.values()) {
      const fresh = [];
      for (let d = 0; d < q.perBoard; d++) fresh.push(...(body.data?.[`b${i++}`]?.values ?? []));
      for (const r of fresh) r.t = Date.parse(r.ts);
      fresh.sort((x, y) => x.t - y.t);
      const newer = fresh.filter((r) => b.last === undefined || r.t > b.last);
      b.rows.push(...newer);
      if (newer.length > 0) b.last = newer[newer.length - 1].t;
    }
    draw(now);
    if (!body.errors) status(`updated ${new Date(now).toLocaleTimeString()}, every ${cfg.refreshSeconds} s`);
  }

  $("login").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target);
    const res = await fetch("/v1/auth", { method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: f.get("username"), password: f.get("password") }) });
    const body = await res.json();
    if (!res.ok) { $("login-error").textContent = body.description ?? `HTTP ${res.status}`; return; }
    sessionStorage.setItem(tokenKey, body.authToken);
    $("login").hidden = true; ev.target.reset();
    refresh();
  });

  for (const b of boards.values()) card(b);
  const tick = () => refresh().catch((e) => status(`error: ${e.message}`));
  tick();
  setInterval(tick, cfg.refreshSeconds * 1000);
})();

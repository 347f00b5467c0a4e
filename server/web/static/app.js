// taper serve: the dashboard's only script. No framework, no network
// beyond this server. Sections: tooltips, roster, decisions, import.
"use strict";

(function () {
  // ---- tooltips on chart marks (hover, keyboard focus, tap) ----
  const tip = document.getElementById("tip");
  let tipFor = null;
  function showTip(el, x, y) {
    if (!tip) return;
    tip.textContent = el.getAttribute("data-tip");
    tip.hidden = false;
    const w = tip.offsetWidth, h = tip.offsetHeight;
    let left = x + 12, top = y + 14;
    if (left + w > window.innerWidth - 4) left = Math.max(4, x - w - 12);
    if (top + h > window.innerHeight - 4) top = Math.max(4, y - h - 14);
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
    tipFor = el;
  }
  function hideTip() {
    if (tip) tip.hidden = true;
    tipFor = null;
  }
  document.addEventListener("mouseover", (e) => {
    const m = e.target.closest && e.target.closest(".mark");
    if (m) showTip(m, e.clientX, e.clientY);
  });
  document.addEventListener("mousemove", (e) => {
    if (tipFor) {
      const m = e.target.closest && e.target.closest(".mark");
      if (m === tipFor) showTip(m, e.clientX, e.clientY);
    }
  });
  document.addEventListener("mouseout", (e) => {
    const m = e.target.closest && e.target.closest(".mark");
    if (m && !m.contains(e.relatedTarget)) hideTip();
  });
  document.addEventListener("focusin", (e) => {
    const m = e.target.closest && e.target.closest(".mark");
    if (m) {
      const r = m.getBoundingClientRect();
      showTip(m, r.left + r.width / 2, r.top);
    }
  });
  document.addEventListener("focusout", hideTip);
  // A tap shows the tooltip; a second tap on the same mark follows its link.
  let touched = false, tapped = null;
  document.addEventListener("touchstart", () => { touched = true; }, { passive: true });
  document.addEventListener("click", (e) => {
    const m = e.target.closest && e.target.closest(".mark");
    if (!m) {
      if (touched) hideTip();
      tapped = null;
      return;
    }
    if (touched && tapped !== m) {
      e.preventDefault();
      const r = m.getBoundingClientRect();
      showTip(m, r.left + r.width / 2, r.top);
      tapped = m;
    }
  });

  // ---- roster: sort, filter, search, refresh when the database changes ----
  const roster = document.getElementById("roster");
  if (roster) {
    const q = document.getElementById("q");
    const fStatus = document.getElementById("f-status");
    const fPhase = document.getElementById("f-phase");
    const count = document.getElementById("count");
    let sortCol = 1, sortDir = 1; // status, worst first (the server's order)
    const numeric = new Set(["status", "week", "breaches", "warnings", "volume"]);

    function key(tr, i, col) {
      const v = tr.cells[i].getAttribute("data-v") || "";
      return numeric.has(col) ? parseFloat(v) || 0 : v.toLowerCase();
    }
    function sort() {
      const ths = roster.tHead.rows[0].cells;
      const col = ths[sortCol].getAttribute("data-key");
      const rows = Array.from(roster.tBodies[0].rows);
      rows.sort((a, b) => {
        const x = key(a, sortCol, col), y = key(b, sortCol, col);
        if (x < y) return -sortDir;
        if (x > y) return sortDir;
        return 0;
      });
      for (const r of rows) roster.tBodies[0].appendChild(r);
      for (let i = 0; i < ths.length; i++) {
        ths[i].setAttribute("aria-sort", i === sortCol ? (sortDir > 0 ? "ascending" : "descending") : "none");
      }
    }
    function filter() {
      const text = (q.value || "").trim().toLowerCase();
      let shown = 0, total = 0;
      for (const tr of roster.tBodies[0].rows) {
        total++;
        const ok = (!text || tr.dataset.athlete.toLowerCase().includes(text)) &&
          (!fStatus.value || tr.dataset.status === fStatus.value) &&
          (!fPhase.value || tr.dataset.phase === fPhase.value);
        tr.hidden = !ok;
        if (ok) shown++;
      }
      count.textContent = shown === total ? total + " athletes" : shown + " of " + total + " athletes";
    }
    roster.tHead.addEventListener("click", (e) => {
      const th = e.target.closest("th");
      if (!th) return;
      const i = th.cellIndex;
      sortDir = i === sortCol ? -sortDir : 1;
      sortCol = i;
      sort();
    });
    for (const el of [q, fStatus, fPhase]) el.addEventListener("input", filter);

    // The server answers 304 while the database is unchanged; when an
    // import lands, the new rows replace the old ones in place.
    let version = roster.getAttribute("data-version");
    async function poll() {
      try {
        const res = await fetch("/api/version", { cache: "no-store", headers: { "If-None-Match": '"' + version + '"' } });
        if (res.status === 200) {
          const v = (await res.json()).version;
          if (v !== version) {
            const page = await fetch(location.pathname + location.search, { cache: "no-store" });
            if (page.ok) {
              const doc = new DOMParser().parseFromString(await page.text(), "text/html");
              const fresh = doc.getElementById("roster");
              if (fresh) {
                roster.replaceChild(document.importNode(fresh.tBodies[0], true), roster.tBodies[0]);
                const phases = doc.getElementById("f-phase");
                if (phases) {
                  const keep = fPhase.value;
                  fPhase.innerHTML = phases.innerHTML;
                  fPhase.value = keep;
                }
                version = v;
                roster.setAttribute("data-version", v);
                sort();
                filter();
              }
            }
          }
        }
      } catch (err) {
        // the server restarted or the network blinked: try again later
      }
      setTimeout(poll, 3000);
    }
    setTimeout(poll, 3000);
  }

  // ---- decisions: waive, override, race, undo ----
  function say(form, msg) {
    let p = form.querySelector(".error");
    if (!p) {
      p = document.createElement("p");
      p.className = "error";
      form.appendChild(p);
    }
    p.textContent = msg;
  }
  async function send(method, url, body) {
    const res = await fetch(url, {
      method: method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    if (res.ok) return null;
    let msg = res.status + " " + res.statusText;
    try {
      const e = await res.json();
      msg = e.error + (e.hint ? " (" + e.hint + ")" : "");
    } catch (err) { /* not JSON */ }
    return msg;
  }
  document.addEventListener("submit", async (e) => {
    const form = e.target;
    if (!form.matches("form.waive, form.override, form.race")) return;
    e.preventDefault();
    const body = {};
    for (const [k, v] of new FormData(form)) {
      if (k === "force") body.force = true;
      else if (v !== "") body[k] = v;
    }
    if (form.matches(".waive") && !body.activity_id) delete body.activity_id;
    const err = await send("POST", form.getAttribute("data-url"), body);
    if (err) say(form, err);
    else location.reload();
  });
  document.addEventListener("click", async (e) => {
    const b = e.target.closest && e.target.closest("button.undo");
    if (!b) return;
    e.preventDefault();
    const err = await send("DELETE", b.getAttribute("data-url"));
    if (err) say(b.parentElement, err);
    else location.reload();
  });

  // ---- import: drop, upload with progress, watch the import, summary ----
  const upload = document.getElementById("upload");
  if (upload) {
    const drop = document.getElementById("drop");
    const input = document.getElementById("files");
    const picked = document.getElementById("picked");
    const progress = document.getElementById("progress");
    const bar = document.getElementById("bar");
    const phase = document.getElementById("phase");
    const detail = document.getElementById("detail");
    const summary = document.getElementById("summary");
    let files = [];
    function setFiles(list) {
      files = Array.from(list);
      const mb = files.reduce((n, f) => n + f.size, 0) / 1048576;
      picked.textContent = files.length ? files.length + " file(s), " + mb.toFixed(1) + " MB: " + files.map((f) => f.name).slice(0, 5).join(", ") + (files.length > 5 ? ", …" : "") : "";
    }
    input.addEventListener("change", () => setFiles(input.files));
    for (const ev of ["dragenter", "dragover"]) {
      drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add("over"); });
    }
    for (const ev of ["dragleave", "drop"]) {
      drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.remove("over"); });
    }
    drop.addEventListener("drop", (e) => setFiles(e.dataTransfer.files));

    function fail(msg) {
      phase.textContent = "Import failed";
      detail.textContent = msg;
      progress.classList.add("failed");
      document.getElementById("go").disabled = false;
    }
    function row(dl, k, v) {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = k;
      dd.textContent = v;
      dl.append(dt, dd);
    }
    function show(job) {
      summary.hidden = false;
      summary.replaceChildren();
      const h = document.createElement("h2");
      h.textContent = "Imported for " + job.athlete;
      const dl = document.createElement("dl");
      dl.className = "facts";
      const s = job.summary || {};
      for (const [k, v] of Object.entries(s)) {
        if (Array.isArray(v)) row(dl, k.replace(/_/g, " "), v.length ? v.join("\n") : "none");
        else if (v && typeof v === "object") row(dl, k.replace(/_/g, " "), Object.entries(v).map(([a, b]) => a + ": " + b).join(", ") || "none");
        else row(dl, k.replace(/_/g, " "), String(v));
      }
      const a = document.createElement("a");
      a.href = "/athletes/" + encodeURIComponent(job.athlete);
      a.textContent = "Open " + job.athlete + "'s report";
      a.id = "open-report";
      summary.append(h, dl, a);
    }
    async function watch(url) {
      for (;;) {
        const res = await fetch(url, { cache: "no-store" });
        if (!res.ok) return fail("lost the import: " + res.status);
        const job = await res.json();
        if (job.total > 0) {
          bar.max = job.total;
          bar.value = job.files;
          detail.textContent = job.files + " of " + job.total + " files read";
        } else {
          bar.removeAttribute("value");
          detail.textContent = job.files + " files read";
        }
        if (job.state === "done") {
          bar.max = 1;
          bar.value = 1;
          phase.textContent = "Done";
          document.getElementById("go").disabled = false;
          return show(job);
        }
        if (job.state === "failed") return fail(job.error.error + (job.error.hint ? " (" + job.error.hint + ")" : ""));
        await new Promise((r) => setTimeout(r, 400));
      }
    }
    upload.addEventListener("submit", (e) => {
      e.preventDefault();
      const athlete = upload.elements.athlete.value.trim();
      if (!athlete || !files.length) {
        picked.textContent = !athlete ? "Name the athlete first." : "Choose or drop files first.";
        return;
      }
      const data = new FormData();
      for (const f of files) data.append("files", f, f.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", upload.getAttribute("data-url-pattern").replace("{name}", encodeURIComponent(athlete)));
      progress.hidden = false;
      progress.classList.remove("failed");
      summary.hidden = true;
      document.getElementById("go").disabled = true;
      phase.textContent = "Uploading…";
      bar.max = 100;
      bar.value = 0;
      xhr.upload.addEventListener("progress", (ev) => {
        if (ev.lengthComputable) {
          bar.value = Math.round((ev.loaded / ev.total) * 100);
          detail.textContent = (ev.loaded / 1048576).toFixed(1) + " of " + (ev.total / 1048576).toFixed(1) + " MB sent";
        }
      });
      xhr.addEventListener("load", () => {
        let body = {};
        try { body = JSON.parse(xhr.responseText); } catch (err) { /* not JSON */ }
        if (xhr.status !== 202) return fail(body.error ? body.error + (body.hint ? " (" + body.hint + ")" : "") : "HTTP " + xhr.status);
        phase.textContent = "Importing…";
        bar.value = 0;
        watch("/api/imports/" + body.job);
      });
      xhr.addEventListener("error", () => fail("the upload did not reach the server"));
      xhr.send(data);
    });
  }
})();

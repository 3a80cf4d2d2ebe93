// minimt explorer: draws the grids Python computed (data in #minimt-data), shows each cell's
// reason on hover and keyboard focus, and highlights the cells linked to it. Plain DOM, no library.
"use strict";
const D = JSON.parse(document.getElementById("minimt-data").textContent);
const $ = (id) => document.getElementById(id);
const tip = $("tip");
let row = 0;

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// One grid = a table of cells {v, p, k, tip, l, d}; rows/cols labelled; arrow keys move inside it.
function grid(name, cells, rowLabels, colLabels, selected) {
  const table = el("table", "grid");
  table.dataset.grid = name;
  const head = table.createTHead().insertRow();
  head.appendChild(el("th"));
  colLabels.forEach((c) => head.appendChild(el("th", "col", c)));
  const body = table.createTBody();
  cells.forEach((r, i) => {
    const tr = body.insertRow();
    if (i === selected) tr.className = "sel";
    tr.appendChild(el("th", "rowlab", rowLabels[i]));
    r.forEach((c, j) => {
      const td = el("td", "c " + c.k);
      td.appendChild(el("b", "", c.d !== undefined ? c.d : c.v));
      if (c.p !== undefined) td.appendChild(el("small", "", c.p));
      Object.assign(td.dataset, { tip: c.tip, v: c.v, r: i, c: j });
      if (c.l) td.dataset.l = c.l;
      if (c.bg) { td.style.background = c.bg; td.style.color = c.fg; }
      td.tabIndex = i === 0 && j === 0 ? 0 : -1;
      tr.appendChild(td);
    });
  });
  return table;
}

function section(id) {
  const s = $(id);
  s.querySelectorAll(".grid, .note").forEach((e) => e.remove());
  return s;
}

const pos = (n, f) => Array.from({ length: n }, (_, j) => f(j));

function drawBatch() {
  const names = pos(D.B, (b) => (b === row ? "▶ row " : "row ") + b);
  const g = D.batch;
  section("input_ids").append(grid("input_ids", g.input_ids, names, pos(D.S, String), row),
                              grid("attention_mask", g.attention_mask, names, pos(D.S, String), row));
  section("labels").append(grid("labels", g.labels, names, pos(D.T, String), row));
  section("decoder_input_ids").append(grid("decoder_input_ids", g.decoder_input_ids, names, pos(D.T, String), row),
                                      grid("decoder_attention_mask", g.decoder_attention_mask, names, pos(D.T, String), row));
}

function drawRow() {
  const R = D.rows[row];
  const p = section("pieces");
  for (const side of ["English", "French"]) {
    const cells = R.pieces[side];
    p.append(grid("pieces_" + side, [cells], [side], pos(cells.length, String)));
  }
  const src = D.batch.input_ids[row].map((c) => c.p || ""), dec = D.batch.decoder_input_ids[row].map((c) => c.p || "");
  const lab = (xs, q) => xs.map((x, j) => q + j + " " + x);
  section("masks").append(
    caption("encoder self-attention: padding_mask (B,1,1,S) broadcast over queries"),
    grid("mask_encoder", R.masks.encoder, lab(src, "q"), lab(src, "k")),
    caption("decoder self-attention: causal ∧ padding (B,1,T,T)"),
    grid("mask_decoder_self", R.masks.decoder_self, lab(dec, "q"), lab(dec, "k")),
    caption("cross-attention: decoder queries, source keys; padding_mask (B,1,1,S) broadcast over T"),
    grid("mask_cross", R.masks.cross, lab(dec, "q"), lab(src, "k")));
  drawAttention();
  const l = section("loss");
  l.append(grid("loss", [R.loss], ["row " + row], pos(D.T, String)),
           caption(`this row's loss (mean over its real labels): ${R.loss_mean.toFixed(4)}; ` +
                   `the batch's loss, what training minimises (mean over all real labels): ${D.batch_loss.toFixed(4)}`));
  if ($("greedy") && R.greedy) {
    const g = section("greedy");
    g.append(grid("greedy", [R.greedy.steps], ["picked"], pos(R.greedy.steps.length, (j) => "step " + (j + 1))),
             caption("translation: " + (R.greedy.text || "(empty)")));
  }
}

function caption(text) { return el("p", "note", text); }

// A weight's colour: white → Okabe-Ito blue, lightness only (readable in grey and for colour-blind eyes).
function shade(w) {
  const mix = (a) => Math.round(255 + (a - 255) * w);
  return [`rgb(${mix(0)},${mix(114)},${mix(178)})`, w > 0.5 ? "#fff" : "#000"];
}

function drawAttention() {
  const R = D.rows[row], layer = +$("layer").value, head = +$("head").value;
  const src = D.batch.input_ids[row].map((c) => c.p || ""), dec = D.batch.decoder_input_ids[row].map((c) => c.p || "");
  const s = section("attention");
  const kinds = [["encoder", src, src, "encoder self-attention"], ["decoder_self", dec, dec, "decoder self-attention"],
                 ["cross", dec, src, "cross-attention (which source piece each target position reads)"]];
  for (const [kind, qs, ks, title] of kinds) {
    const L = Math.min(layer, R.attention[kind].length - 1);  // encoder and decoder may differ in depth
    const masks = R.masks[kind], w = R.attention[kind][L][head];
    const cells = w.map((r, q) => r.map((x, k) => {
      const [bg, fg] = shade(x), m = masks[q][k];
      const t = D.weight_tip.replace(/\{(\w+)\}/g, (_, n) => ({ layer: L, head, q, k, qp: qs[q], kp: ks[k],
        w: x.toFixed(3), mask: m.tip })[n]);
      return m.v === "True" ? { v: x.toFixed(3), k: "w", tip: t, l: m.l, bg, fg } : { v: x.toFixed(3), k: "w blocked", tip: t, l: m.l };
    }));
    s.append(caption(`${title}, layer ${L}, head ${head}`),
             grid("attn_" + kind, cells, qs.map((x, j) => "q" + j + " " + x), ks.map((x, j) => "k" + j + " " + x)));
  }
}

// ---- hover / focus: the reason, and the linked cells
function show(td) {
  tip.textContent = td.dataset.tip;
  tip.hidden = false;
  const r = td.getBoundingClientRect();
  tip.style.left = Math.max(8, Math.min(r.left, window.innerWidth - tip.offsetWidth - 8)) + "px";
  tip.style.top = (r.bottom + 6 + tip.offsetHeight > window.innerHeight ? r.top - tip.offsetHeight - 6 : r.bottom + 6) + "px";
  clear();
  td.classList.add("on");
  for (const key of (td.dataset.l || "").split(" ").filter(Boolean)) {
    document.querySelectorAll(`[data-l~="${key}"]`).forEach((e) => e.classList.add("hl"));
  }
}
function clear() { document.querySelectorAll(".hl, .on").forEach((e) => e.classList.remove("hl", "on")); }
function hide() { tip.hidden = true; clear(); }

document.addEventListener("mouseover", (e) => { const td = e.target.closest("td[data-tip]"); if (td) show(td); });
document.addEventListener("mouseout", (e) => { if (e.target.closest("td[data-tip]") && document.activeElement.tagName !== "TD") hide(); });
document.addEventListener("focusin", (e) => { if (e.target.matches("td[data-tip]")) show(e.target); });
document.addEventListener("focusout", hide);
document.addEventListener("keydown", (e) => {
  const td = e.target.closest("td[data-tip]");
  const step = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] }[e.key];
  if (e.key === "Escape") hide();
  if (!td || !step) return;
  const next = td.closest("table").querySelector(`td[data-r="${+td.dataset.r + step[0]}"][data-c="${+td.dataset.c + step[1]}"]`);
  if (next) { e.preventDefault(); td.tabIndex = -1; next.tabIndex = 0; next.focus(); }
});

// ---- controls
function options(select, n, label) {
  for (let i = 0; i < n; i++) select.add(new Option(label(i), i));
}
options($("row"), D.B, (b) => `row ${b}: ${D.pairs[b][0]}`);
options($("layer"), Math.max(D.config.n_encoder_layers, D.config.n_decoder_layers), String);
options($("head"), D.config.n_heads, String);
$("row").addEventListener("change", () => { row = +$("row").value; hide(); drawBatch(); drawRow(); });
$("layer").addEventListener("change", drawAttention);
$("head").addEventListener("change", drawAttention);
$("model-note").textContent = D.model_note;
drawBatch();
drawRow();
document.body.dataset.ready = "1";

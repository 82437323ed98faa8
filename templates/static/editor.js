// The record form's live provenance preview: as the curator types, the text
// is parsed by POST /api/v1/provenance/parse (nothing is saved) and the
// periods, a small timeline and the flags are shown below the field.
// Progressive enhancement: without this script the form works the same.
// Everything from the server is inserted as text (textContent), never HTML.
'use strict';
(function () {
  const text = document.getElementById('provenance_text');
  const box = document.getElementById('provenance-preview');
  const csrfField = document.querySelector('form.record-form input[name=csrf]');
  if (!text || !box || !csrfField || !window.fetch) return;
  const status = document.getElementById('preview-status');
  const timeline = document.getElementById('preview-timeline');
  const list = document.getElementById('preview-periods');
  const flags = document.getElementById('preview-flags');
  const SVG = 'http://www.w3.org/2000/svg';
  let timer = null;
  let seq = 0;

  function el(name, cls, content) {
    const e = document.createElement(name);
    if (cls) e.className = cls;
    if (content !== undefined) e.textContent = content;
    return e;
  }
  function svg(name, attrs) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  }
  // "1920-03-01" / "-0500-01-01" -> fractional year, or null.
  function yearOf(v) {
    if (typeof v !== 'string') return null;
    const m = /^([+-]?)(\d+)(?:-(\d\d))?(?:-(\d\d))?/.exec(v);
    if (!m) return null;
    const y = parseInt(m[2], 10) * (m[1] === '-' ? -1 : 1);
    return y + ((m[3] ? parseInt(m[3], 10) : 1) - 1) / 12 + ((m[4] ? parseInt(m[4], 10) : 1) - 1) / 365;
  }
  function label(p) {
    const name = p.party && p.party.name ? p.party.name : (p.raw || '').slice(0, 60);
    return p.method_phrase ? name + ' (' + p.method_phrase + ')' : name;
  }
  function short(s, n) { return s.length > n ? s.slice(0, n - 1) + '…' : s; }

  function drawTimeline(periods) {
    timeline.replaceChildren();
    const bars = periods.map((p) => ({
      b0: yearOf(p.begin_of_the_begin), b1: yearOf(p.end_of_the_begin),
      e0: yearOf(p.begin_of_the_end), e1: yearOf(p.end_of_the_end), label: label(p),
    }));
    const all = bars.flatMap((b) => [b.b0, b.b1, b.e0, b.e1]).filter((v) => v !== null);
    if (!all.length) return;
    let lo = Math.min(...all), hi = Math.max(...all);
    const now = new Date().getUTCFullYear() + 1;
    if (hi - lo < 10) { lo -= 5; hi += 5; }
    const pad = (hi - lo) * 0.04;
    lo -= pad; hi = Math.min(hi + pad, now);
    if (hi <= lo) hi = lo + 10;
    // One SVG unit per CSS pixel, so the labels keep their size in a narrow form.
    const W = Math.max(320, Math.round(timeline.clientWidth || 600));
    const left = Math.min(200, Math.round(W * 0.38)), width = W - left - 10, row = 26, top = 10;
    const labelChars = Math.max(12, Math.floor((left - 8) / 6.5));
    const x = (y) => left + ((y - lo) / (hi - lo)) * width;
    const axisY = top + bars.length * row + 6;
    const root = svg('svg', { viewBox: `0 0 ${W} ${axisY + 24}`, role: 'img', class: 'preview-svg' });
    const title = svg('title');
    title.textContent = 'Preview timeline of ' + bars.length + ' periods';
    root.appendChild(title);
    bars.forEach((b, i) => {
      const s0 = b.b0 ?? b.b1 ?? lo, s1 = b.b1 ?? b.b0 ?? lo;
      let t0 = b.e0 ?? b.e1 ?? hi, t1 = b.e1 ?? b.e0 ?? hi;
      const openEnd = b.e0 === null && b.e1 === null;
      if (openEnd) {
        const next = bars[i + 1];
        t0 = s1;
        t1 = Math.max(s1, next ? (next.b0 ?? next.b1 ?? hi) : hi);
      }
      const y = top + i * row;
      const g = svg('g');
      const t = svg('title');
      t.textContent = b.label;
      g.appendChild(t);
      g.appendChild(svg('rect', { class: 'tl-fuzzy', x: x(s0), y, width: Math.max(0, x(s1) - x(s0)), height: 20 }));
      g.appendChild(svg('rect', { class: 'tl-bar', x: x(Math.min(s1, t0)), y, width: Math.max(1.5, Math.abs(x(t0) - x(s1))), height: 20 }));
      g.appendChild(svg('rect', { class: openEnd ? 'tl-fuzzy tl-open' : 'tl-fuzzy', x: x(t0), y, width: Math.max(0, x(t1) - x(t0)), height: 20 }));
      const tx = svg('text', { class: 'tl-label', x: 4, y: y + 15 });
      tx.textContent = short(b.label, labelChars);
      g.appendChild(tx);
      root.appendChild(g);
    });
    root.appendChild(svg('line', { class: 'tl-axis', x1: left, y1: axisY, x2: left + width, y2: axisY }));
    let step = 1;
    for (const s of [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]) { step = s; if ((hi - lo) / s <= 8) break; }
    for (let t = Math.ceil(lo / step) * step; t <= hi; t += step) {
      const label = svg('text', { class: 'tl-tick-label', x: x(t), y: axisY + 16 });
      label.textContent = t < 0 ? -t + ' BCE' : String(t);
      root.appendChild(label);
    }
    timeline.appendChild(root);
  }

  function show(result) {
    const periods = result.periods || [];
    list.replaceChildren();
    for (const p of periods) {
      const li = el('li');
      li.appendChild(el('strong', '', label(p) || '(no party)'));
      const bits = [p.date_text, p.place, p.certainty && p.certainty !== 'certain' ? p.certainty : '']
        .filter(Boolean).join(' · ');
      if (bits) li.appendChild(el('span', 'muted', ' ' + bits));
      list.appendChild(li);
    }
    flags.replaceChildren();
    for (const w of result.warnings || []) {
      flags.appendChild(el('div', 'flag', typeof w === 'string' ? w : (w.message || JSON.stringify(w))));
    }
    for (const f of result.flags || []) {
      const d = el('div', 'flag');
      d.appendChild(el('strong', '', (f.rule || '').replace(/_/g, ' ')));
      d.appendChild(document.createTextNode(': ' + (f.message || '')));
      flags.appendChild(d);
    }
    drawTimeline(periods);
    status.textContent = periods.length === 1 ? '1 period recognised.' : periods.length + ' periods recognised.';
  }

  async function update() {
    const mine = ++seq;
    const value = text.value;
    if (!value.trim()) { box.hidden = true; return; }
    box.hidden = false;
    const body = { text: value };
    const country = document.getElementById('country_of_origin');
    const type = document.getElementById('object_type');
    if (country && /^[A-Za-z]{2}$/.test(country.value.trim())) body.country_of_origin = country.value.trim().toUpperCase();
    if (type && type.value.trim()) body.object_type = type.value.trim();
    try {
      const r = await fetch('/api/v1/provenance/parse', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrfField.value },
        body: JSON.stringify(body),
        credentials: 'same-origin',
      });
      const result = await r.json();
      if (mine !== seq) return;  // a newer request is on its way
      if (!r.ok) {
        status.textContent = (result.error && result.error.message) || 'The preview is not available.';
        return;
      }
      show(result);
    } catch (e) {
      if (mine === seq) status.textContent = 'The preview is not available right now.';
    }
  }

  text.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(update, 350);
  });
  if (text.value.trim()) update();
})();

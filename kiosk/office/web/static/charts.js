/* A small bar-chart drawer, bundled with the pages (no CDN: the office may have no internet).
   Charts are SVG built with DOM calls (no HTML parsing, allowed by the pages' CSP), readable in
   Vietnamese (the page's font) and printable (vector, black text).
   Charts.bars(el, {labels: [...], series: [{name, values: [...], cls, classes?: [one per label]}],
                    format: (v) => text, title, empty}) */
'use strict';

const Charts = {
  NS: 'http://www.w3.org/2000/svg',

  svg(tag, attrs, text) {
    const el = document.createElementNS(Charts.NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
    if (text !== undefined) el.textContent = text;
    return el;
  },

  /* Horizontal bars: one row per label, one bar per series in the row; the value written at the end. */
  bars(container, spec) {
    const labels = spec.labels || [];
    const series = spec.series || [];
    const fmt = spec.format || ((v) => String(v));
    const rowH = 14 + 18 * series.length;
    const labelW = 230;
    const width = 640;
    const plotW = width - labelW - 70;
    const legendH = series.length > 1 ? 24 : 0;
    const height = legendH + rowH * Math.max(labels.length, 1) + 8;
    const max = Math.max(1e-9, ...series.flatMap((s) => s.values.map((v) => (typeof v === 'number' ? v : 0))));
    const root = Charts.svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img',
      'aria-label': spec.title || '' });
    if (spec.title) root.append(Charts.svg('title', {}, spec.title));
    series.forEach((s, i) => {
      if (series.length < 2) return;
      const x = labelW + i * 150;
      root.append(Charts.svg('rect', { x, y: 6, width: 12, height: 12, class: 'bar ' + (s.cls || 's' + i) }));
      root.append(Charts.svg('text', { x: x + 18, y: 16, class: 'legend' }, s.name));
    });
    labels.forEach((label, row) => {
      const y0 = legendH + row * rowH + 6;
      const short = label.length > 30 ? label.slice(0, 29) + '…' : label; // the full name on hover and in the table
      const text = Charts.svg('text', { x: labelW - 8, y: y0 + rowH / 2, class: 'label', 'text-anchor': 'end',
        'dominant-baseline': 'middle' }, short);
      if (short !== label) text.append(Charts.svg('title', {}, label));
      root.append(text);
      series.forEach((s, i) => {
        const v = s.values[row];
        const y = y0 + 4 + i * 18;
        const w = typeof v === 'number' ? Math.max(v > 0 ? 2 : 0, (v / max) * plotW) : 0;
        const cls = (s.classes && s.classes[row]) || s.cls || 's' + i;
        root.append(Charts.svg('rect', { x: labelW, y, width: w, height: 14, class: 'bar ' + cls,
          'data-value': v === null || v === undefined ? '' : v }));
        root.append(Charts.svg('text', { x: labelW + w + 6, y: y + 11, class: 'value' },
          v === null || v === undefined ? '—' : fmt(v)));
      });
    });
    if (!labels.length) root.append(Charts.svg('text', { x: labelW, y: 20, class: 'value' }, spec.empty || '—'));
    container.replaceChildren(root);
    return root;
  },
};

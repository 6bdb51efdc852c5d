/* The rating form shared by the counter's rating device (/rate/{counter}) and the ticket's phone
   page (/t/{token}): four faces with words, then, after a low score, tap-only reasons.
   No text field anywhere: a rating never carries personal data. */
'use strict';

const Faces = {
  SCORES: [4, 3, 2, 1], // best first, as read left to right
  REASONS: ['waited_long', 'attitude', 'extra_papers', 'procedure_unclear'],
  LOW: 2, // a score this low or lower asks for reasons

  label(score) {
    return { 4: t('rate.score_4'), 3: t('rate.score_3'), 2: t('rate.score_2'), 1: t('rate.score_1') }[score] || '';
  },

  reasonLabel(code) {
    return {
      waited_long: t('rate.reason.waited_long'), attitude: t('rate.reason.attitude'),
      extra_papers: t('rate.reason.extra_papers'), procedure_unclear: t('rate.reason.procedure_unclear'),
    }[code] || code;
  },

  /* A face drawn in SVG (no emoji font needed on a cheap tablet). */
  icon(score) {
    const NS = 'http://www.w3.org/2000/svg';
    const mouths = { 4: 'M27 58 Q50 86 73 58', 3: 'M31 62 Q50 76 69 62', 2: 'M32 67 L68 67', 1: 'M30 74 Q50 54 70 74' };
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('viewBox', '0 0 100 100');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('class', 'face-icon');
    const part = (tag, attrs) => {
      const el = document.createElementNS(NS, tag);
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      svg.append(el);
    };
    part('circle', { cx: 50, cy: 50, r: 46, class: 'face-skin' });
    part('circle', { cx: 35, cy: 40, r: 6, class: 'face-eye' });
    part('circle', { cx: 65, cy: 40, r: 6, class: 'face-eye' });
    part('path', { d: mouths[score], class: 'face-mouth' });
    return svg;
  },

  /* The form: faces, then reasons for a low score. onSubmit(score, reasons) sends it (a promise).
     autoSendMs: on the counter, a low score is sent with the reasons chosen so far when nobody
     touches the screen for this long (the citizen has left; their score still counts). */
  form(onSubmit, opts) {
    opts = opts || {};
    const box = h('div', { class: 'rating-form', dataset: { step: 'faces' } });
    let timer = null;
    const send = async (score, reasons) => {
      clearTimeout(timer);
      box.querySelectorAll('button').forEach((b) => { b.disabled = true; });
      try { await onSubmit(score, reasons); } finally {
        box.querySelectorAll('button').forEach((b) => { b.disabled = false; });
      }
    };
    const reasonsStep = (score) => {
      box.dataset.step = 'reasons';
      box.dataset.score = score;
      const chips = Faces.REASONS.map((code) => h('button', {
        type: 'button', class: 'reason', 'aria-pressed': 'false', dataset: { reason: code },
        onclick: (e) => {
          const b = e.currentTarget;
          b.setAttribute('aria-pressed', String(b.getAttribute('aria-pressed') !== 'true'));
          arm();
        },
      }, Faces.reasonLabel(code)));
      const chosen = () => chips.filter((b) => b.getAttribute('aria-pressed') === 'true').map((b) => b.dataset.reason);
      const arm = () => {
        clearTimeout(timer);
        if (opts.autoSendMs) timer = setTimeout(() => send(score, chosen()), opts.autoSendMs);
      };
      box.replaceChildren(
        h('div', { class: 'chosen', dataset: { score } }, Faces.icon(score), h('span', {}, Faces.label(score))),
        h('p', { class: 'reasons-title' }, t('rate.reasons_title')),
        h('div', { class: 'reasons' }, chips),
        h('button', { type: 'button', class: 'send', onclick: () => send(score, chosen()) }, t('rate.send')));
      arm();
    };
    box.append(h('div', { class: 'faces' }, Faces.SCORES.map((score) => h('button', {
      type: 'button', class: 'face', dataset: { score },
      onclick: () => (score <= Faces.LOW ? reasonsStep(score) : send(score, [])),
    }, Faces.icon(score), h('span', { class: 'face-word' }, Faces.label(score))))));
    box.stop = () => clearTimeout(timer);
    return box;
  },
};

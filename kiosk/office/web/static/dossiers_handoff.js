/* /dossiers, the open dossier's hand-off to the province: its official code (typed by hand when
   there is no connector or after a refusal), the delivery state, the province's last answer and
   "Gửi lại". Self-contained: it watches the detail panel's code (#detail-code) and adds its own
   box under it, so the page needs only <script src="/web/dossiers_handoff.js" defer>.
   Uses common.js (h, t, errorText) and staff.js (Staff.call). */
'use strict';

(() => {
  const codeEl = document.getElementById('detail-code');
  const detail = document.getElementById('detail');
  if (!codeEl || !detail) return;
  const HX = { code: null, view: null, seq: 0, notice: null };

  const box = h('div', { class: 'handoff', id: 'handoff', hidden: true });
  const anchor = document.getElementById('detail-meta');
  if (anchor) anchor.after(box); else detail.prepend(box);

  function when(iso) {
    return iso ? new Date(iso).toLocaleString(Lang.get() === 'en' ? 'en-GB' : 'vi-VN') : '';
  }

  async function load(code) {
    const mine = ++HX.seq;
    try {
      const view = await Staff.call('GET', '/api/dossiers/' + encodeURIComponent(code) + '/delivery');
      if (mine !== HX.seq) return; // another dossier was opened meanwhile
      if (code !== HX.code) HX.notice = null; // a notice belongs to the dossier it was given for
      HX.code = code;
      HX.view = view;
      render();
    } catch (err) {
      if (mine === HX.seq) { box.hidden = true; }
    }
  }

  function stateLine(d, connector) {
    if (!d) return connector === 'none' ? t('handoff.state_manual') : t('handoff.state_none');
    if (d.state === 'pending') {
      const next = d.next_attempt_at ? ' ' + t('handoff.next_try', { time: when(d.next_attempt_at) }) : '';
      return t('handoff.state_pending', { attempts: d.attempts }) + next;
    }
    if (d.state === 'failed') return t('handoff.state_failed');
    return t('handoff.state_delivered', { time: when(d.delivered_at) });
  }

  function render() {
    const v = HX.view;
    if (!v) { box.hidden = true; return; }
    const d = v.delivery;
    const input = h('input', { id: 'official-code', maxlength: 60, value: v.official_code || '',
      'aria-label': t('handoff.official_code'), spellcheck: 'false', autocomplete: 'off' });
    const error = h('p', { class: 'error', id: 'handoff-error', role: 'alert', hidden: true });
    const saveBtn = h('button', { type: 'button', class: 'btn small', id: 'official-code-save',
      onclick: () => act(error, 'PUT', '/official-code', { official_code: input.value.trim().normalize('NFC') }, 'handoff.saved') },
    t('handoff.official_code_save'));
    const parts = [
      h('label', { for: 'official-code' }, t('handoff.official_code')),
      h('div', { class: 'handoff-code' }, input, saveBtn),
      h('p', { class: 'handoff-state', id: 'handoff-state', dataset: { state: d ? d.state : 'none' } },
        stateLine(d, v.connector)),
    ];
    if (d && d.last_error && d.state !== 'delivered') {
      parts.push(h('p', { class: 'handoff-answer', id: 'handoff-answer' }, t('handoff.answer', { text: d.last_error })));
    }
    if (v.connector !== 'none' && (!d || d.can_retry)) {
      parts.push(h('button', { type: 'button', class: 'btn small primary', id: 'handoff-retry',
        onclick: () => act(error, 'POST', '/delivery/retry', undefined, 'handoff.sent_again') }, t('handoff.retry')));
    }
    // the page reloads the dossier after each change (its event); the notice must survive that
    parts.push(error, h('p', { class: 'notice', id: 'handoff-notice', role: 'status', hidden: !HX.notice },
      HX.notice ? t(HX.notice) : ''));
    box.replaceChildren(...parts);
    box.hidden = false;
  }

  async function act(error, method, suffix, body, done) {
    error.hidden = true;
    HX.notice = null;
    if (method === 'PUT' && !body.official_code) {
      error.textContent = t('handoff.code_missing');
      error.hidden = false;
      return;
    }
    try {
      HX.view = { ...HX.view, ...(await Staff.call(method, '/api/dossiers/' + encodeURIComponent(HX.code) + suffix, body)) };
      HX.notice = done;
      render();
    } catch (err) {
      const known = err && err.code && t('handoff.err.' + err.code) !== 'handoff.err.' + err.code;
      const e = document.getElementById('handoff-error');
      e.textContent = known ? t('handoff.err.' + err.code) : errorText(err);
      e.hidden = false;
    }
  }

  // the page shows a dossier by writing its code into #detail-code (again after each change)
  new MutationObserver(() => {
    const code = codeEl.textContent.trim();
    if (code && !detail.hidden) load(code); else { HX.seq++; box.hidden = true; }
  }).observe(codeEl, { childList: true, characterData: true, subtree: true });
  document.addEventListener('langchange', render);
})();

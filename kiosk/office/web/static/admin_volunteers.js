/* Admin, "Tình nguyện viên" tab: add, rename, deactivate volunteers, new PINs, print badges,
   the help-request timeout, and the figures of help given (table + CSV). Loaded after admin.js,
   whose helpers (Staff, banner, input, intValue) it uses; its own names stay inside this function. */
'use strict';

(() => {
  const el = (id) => document.getElementById(id);
  const VA = { volunteers: [], loaded: false, stats: null };
  const FIGURES = ['citizens_helped', 'tickets_with_help', 'dossiers_with_help', 'help_requests_answered'];

  function localDate(d) {
    const pad = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate());
  }

  async function load() {
    try {
      const [vols, settings] = await Promise.all([Staff.call('GET', '/api/admin/volunteers'),
        Staff.call('GET', '/api/admin/settings')]);
      VA.volunteers = listOf(vols, 'volunteers');
      el('help-timeout').value = settings.help_request_timeout_minutes;
    } catch (err) {
      if (Staff.me) Staff.text('volunteers-error', errorText(err));
      return;
    }
    VA.loaded = true;
    render();
    if (!VA.stats) showStats();
  }

  function pinShown(v) {
    if (v && v.pin) Staff.text('vol-pin-notice', t('admin.vol_pin_shown', { name: v.name, pin: v.pin }));
  }

  /* Runs a change; its error shows under the table, its PIN (if any) in the notice. */
  async function change(fn) {
    Staff.text('volunteers-error', '');
    Staff.text('vol-pin-notice', '');
    try {
      pinShown(await fn());
      banner(t('admin.saved'));
      await load();
    } catch (err) {
      if (Staff.me) Staff.text('volunteers-error', err.userText || errorText(err));
    }
  }

  function checkPin(value) {
    const pin = value.trim();
    if (pin && !/^[0-9]{4,6}$/.test(pin)) {
      const e = new Error('bad pin');
      e.userText = t('admin.vol_bad_pin');
      throw e;
    }
    return pin || undefined;
  }

  function render() {
    const rows = VA.volunteers.map((v) => {
      const name = input({ value: v.name, maxlength: 200, 'aria-label': t('admin.vol_name') });
      const path = '/api/admin/volunteers/' + v.id;
      return h('tr', { class: v.active ? '' : 'inactive', dataset: { volunteer: v.code } },
        h('td', {}, name), h('td', { class: 'code' }, v.code_display),
        h('td', {}, v.active ? h('button', { type: 'button', class: 'btn small', dataset: { action: 'new-pin' },
          onclick: () => change(() => Staff.call('PATCH', path, { new_pin: true })) }, t('admin.vol_new_pin')) : null),
        h('td', {}, v.active ? t('common.yes') : t('common.no')),
        h('td', { class: 'buttons' },
          h('button', { type: 'button', class: 'btn small', dataset: { action: 'save' },
            onclick: () => change(() => Staff.call('PATCH', path, { name: name.value.trim().normalize('NFC') })) }, t('common.save')),
          v.active ? h('a', { class: 'btn small', href: `/admin/volunteers/${v.id}/badge`, target: '_blank', rel: 'noopener',
            dataset: { action: 'badge' } }, t('admin.vol_badge')) : null,
          h('button', { type: 'button', class: 'btn small ' + (v.active ? 'warn' : ''), dataset: { action: 'active' },
            onclick: () => change(() => Staff.call('PATCH', path, { active: !v.active })) },
          t(v.active ? 'admin.deactivate' : 'admin.activate'))));
    });
    const n = {
      name: input({ maxlength: 200, 'aria-label': t('admin.vol_name') }),
      pin: input({ inputmode: 'numeric', maxlength: 6, autocomplete: 'off', 'aria-label': t('admin.vol_pin') }),
    };
    rows.push(h('tr', { class: 'new' }, h('td', {}, n.name), h('td', {}), h('td', {}, n.pin), h('td', {}),
      h('td', {}, h('button', { type: 'button', class: 'btn small primary', dataset: { action: 'add' }, onclick: () => change(() => {
        const body = { name: n.name.value.trim().normalize('NFC') };
        const pin = checkPin(n.pin.value);
        if (pin) body.pin = pin;
        return Staff.call('POST', '/api/admin/volunteers', body);
      }) }, t('common.add')))));
    el('volunteers-body').replaceChildren(...rows);
  }

  el('help-timeout-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const minutes = intValue(el('help-timeout'));
    Staff.text('help-timeout-error', '');
    if (!(minutes >= 1 && minutes <= 240)) { Staff.text('help-timeout-error', t('admin.vol_bad_timeout')); return; }
    try {
      await Staff.call('PUT', '/api/admin/settings', { help_request_timeout_minutes: minutes });
      banner(t('admin.saved'));
    } catch (err) {
      if (Staff.me) Staff.text('help-timeout-error', errorText(err));
    }
  });

  /* ---------- figures ---------- */

  function period() {
    return '?from=' + encodeURIComponent(el('stats-from').value) + '&to=' + encodeURIComponent(el('stats-to').value);
  }

  async function showStats() {
    if (!el('stats-to').value) el('stats-to').value = localDate(new Date());
    if (!el('stats-from').value) el('stats-from').value = el('stats-to').value.slice(0, 8) + '01';
    el('stats-csv').href = '/api/admin/volunteer-stats.csv' + period();
    Staff.text('stats-error', '');
    try {
      VA.stats = await Staff.call('GET', '/api/admin/volunteer-stats' + period());
    } catch (err) {
      if (Staff.me) Staff.text('stats-error', errorText(err));
      return;
    }
    renderStats();
  }

  function renderStats() {
    const s = VA.stats;
    if (!s) return;
    const num = (v) => h('td', { class: 'n' }, v === null || v === undefined ? '—' : String(v));
    el('stats-body').replaceChildren(...(s.rows.length ? s.rows.map((r) => h('tr', { dataset: { day: r.day, volunteer: r.volunteer_code } },
      h('td', {}, r.day), h('td', {}, r.volunteer_name), ...FIGURES.map((k) => num(r[k])), num(r.median_minutes_to_take)))
      : [h('tr', {}, h('td', { colspan: 7, class: 'empty-note' }, t('admin.vol_no_stats')))]));
    el('stats-foot').replaceChildren(s.rows.length ? h('tr', {}, h('td', { colspan: 2 }, t('admin.vol_total')),
      ...FIGURES.map((k) => num(s.totals[k])), h('td', {})) : '');
  }

  el('vol-stats-form').addEventListener('submit', (e) => { e.preventDefault(); showStats(); });
  ['stats-from', 'stats-to'].forEach((id) => el(id).addEventListener('change', () => {
    el('stats-csv').href = '/api/admin/volunteer-stats.csv' + period();
  }));

  // admin.js shows the admin view after login (or a resumed session): load then
  new MutationObserver(() => {
    if (document.body.dataset.view === 'admin' && Staff.me && Staff.me.role === 'admin' && !VA.loaded) load();
    if (document.body.dataset.view !== 'admin') { VA.loaded = false; VA.stats = null; }
  }).observe(document.body, { attributes: true, attributeFilter: ['data-view'] });

  document.addEventListener('langchange', () => { if (VA.loaded) { render(); renderStats(); } });
})();

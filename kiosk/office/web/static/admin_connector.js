/* Admin, "Liên thông" tab: how dossiers reach the province's one-stop system ([office.connector]),
   whether it works, and the figures (waiting, refused, delivered, the share that reached the
   province). Read-only: the connector is set in the config file. Uses common.js and staff.js. */
'use strict';

(() => {
  const el = (id) => document.getElementById(id);
  const C = { health: null, failed: [], loaded: false };

  async function load() {
    Staff.text('connector-error', '');
    try {
      const [health, failed] = await Promise.all([Staff.call('GET', '/api/connector'),
        Staff.call('GET', '/api/connector/deliveries?state=failed&limit=50')]);
      C.health = health;
      C.failed = failed.deliveries || [];
    } catch (err) {
      if (Staff.me) Staff.text('connector-error', errorText(err));
      return;
    }
    C.loaded = true;
    render();
  }

  function when(iso) {
    return iso ? new Date(iso).toLocaleString(Lang.get() === 'en' ? 'en-GB' : 'vi-VN') : t('handoff.never');
  }

  function render() {
    const x = C.health;
    if (!x) return;
    el('connector-kind').textContent = t('handoff.kind.' + x.kind);
    el('connector-target').textContent = x.url || x.folder || '—';
    el('connector-pending').textContent = String(x.pending);
    el('connector-failed').textContent = String(x.failed);
    el('connector-delivered').textContent = String(x.delivered);
    el('connector-share').textContent = x.received
      ? `${Math.round((100 * x.reached) / x.received)}% (${x.reached}/${x.received})` : '—';
    el('connector-last-ok').textContent = when(x.last_delivered_at);
    el('connector-last-error').textContent = x.last_error ? `${when(x.last_error_at)}: ${x.last_error}` : '—';
    let level = 'ok';
    let text = t('handoff.health_ok');
    if (x.kind === 'none') text = t('handoff.health_none');
    else if (x.failed) { level = 'bad'; text = t('handoff.health_failed', { n: x.failed }); }
    else if (x.overdue) { level = 'warn'; text = t('handoff.health_late', { n: x.overdue }); }
    const box = el('connector-health');
    box.textContent = text;
    box.dataset.level = level;
    el('connector-failed-list').replaceChildren(...C.failed.map((d) => h('li', {},
      h('a', { href: '/dossiers#' + encodeURIComponent(d.code), class: 'code' }, d.code), ' — ', d.last_error || '')));
  }

  el('connector-refresh').addEventListener('click', load);
  document.querySelectorAll('[data-tab="connector"]').forEach((b) => b.addEventListener('click', load));
  // admin.js shows the admin view after login (or a resumed session): load then
  new MutationObserver(() => {
    if (document.body.dataset.view === 'admin' && Staff.me && Staff.me.role === 'admin' && !C.loaded) load();
    if (document.body.dataset.view !== 'admin') C.loaded = false;
  }).observe(document.body, { attributes: true, attributeFilter: ['data-view'] });
  document.addEventListener('langchange', render);
})();

/* Admin, "Quầy" tab: the counters' rating devices. Issue (or replace) a counter's device key; the
   key is shown once, with the link that sets the device up. Loaded after admin.js (Staff, banner). */
'use strict';

(() => {
  const el = (id) => document.getElementById(id);
  const RD = { devices: [], loaded: false };

  async function load() {
    try {
      RD.devices = listOf(await Staff.call('GET', '/api/admin/counter-devices'), 'devices');
    } catch (err) {
      if (Staff.me) Staff.text('rating-devices-error', errorText(err));
      return;
    }
    RD.loaded = true;
    render();
  }

  async function issue(d) {
    Staff.text('rating-devices-error', '');
    Staff.text('rating-key-notice', '');
    try {
      const res = await Staff.call('POST', '/api/admin/counters/' + d.counter_id + '/device-key');
      const url = location.origin + '/rate/' + res.counter_id + '#key=' + encodeURIComponent(res.device_key);
      Staff.text('rating-key-notice', t('rate.key_shown', { n: res.counter_number, key: res.device_key, url }));
      banner(t('admin.saved'));
      await load();
    } catch (err) {
      if (Staff.me) Staff.text('rating-devices-error', errorText(err));
    }
  }

  function render() {
    el('rating-devices-body').replaceChildren(...RD.devices.map((d) => h('tr', { dataset: { counterId: d.counter_id } },
      h('td', {}, t('rate.counter', { n: d.counter_number })),
      h('td', { class: 'key-state' }, d.has_key ? t('rate.key_issued', { at: new Date(d.issued_at).toLocaleString(
        Lang.get() === 'vi' ? 'vi-VN' : 'en-GB') }) : t('rate.key_none')),
      h('td', {}, h('button', { type: 'button', class: 'btn small', dataset: { action: 'device-key' },
        onclick: () => issue(d) }, t('rate.issue_key'))))));
  }

  new MutationObserver(() => {
    if (document.body.dataset.view === 'admin' && Staff.me && Staff.me.role === 'admin' && !RD.loaded) load();
    if (document.body.dataset.view !== 'admin') { RD.loaded = false; Staff.text('rating-key-notice', ''); }
  }).observe(document.body, { attributes: true, attributeFilter: ['data-view'] });

  document.addEventListener('langchange', () => { if (RD.loaded) render(); });
})();

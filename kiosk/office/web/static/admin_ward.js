/* Admin, "Thông tin đơn vị" tab: the ward's identity (GET /api/ward, PUT /api/admin/ward).
   A save reaches the board, the consoles and the kiosks by the "ward" event. Uses common.js and staff.js. */
'use strict';

(() => {
  const el = (id) => document.getElementById(id);
  const FIELDS = ['name', 'department', 'address', 'phone', 'hours_text'];

  async function load() {
    Staff.text('ward-error', '');
    try {
      const w = await Staff.call('GET', '/api/ward');
      FIELDS.forEach((f) => { el('ward-' + f).value = w[f] || ''; });
    } catch (err) {
      if (Staff.me) Staff.text('ward-error', errorText(err));
    }
  }

  el('ward-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    el('ward-saved').hidden = true;
    Staff.text('ward-error', '');
    const body = {};
    FIELDS.forEach((f) => { body[f] = el('ward-' + f).value.trim(); });
    try {
      Ward.apply(await Staff.call('PUT', '/api/admin/ward', body));
      el('ward-saved').hidden = false;
    } catch (err) {
      Staff.text('ward-error', errorText(err));
    }
  });
  document.querySelectorAll('[data-tab="ward"]').forEach((b) => b.addEventListener('click', load));
})();

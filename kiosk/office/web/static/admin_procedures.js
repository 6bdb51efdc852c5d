/* Admin, "Thủ tục" tab: edit a procedure's fee, processing time and required documents.
   The office checks the whole catalogue before storing (PUT /api/admin/procedures/{code});
   a refusal is shown as it comes, naming the key. Loaded after admin.js (uses Staff, banner). */
'use strict';

(() => {
  const el = (id) => document.getElementById(id);
  const PA = { procedures: [], loaded: false };

  async function load(keep) {
    try {
      PA.procedures = listOf(await Staff.call('GET', '/api/procedures'), 'procedures');
    } catch (err) {
      if (Staff.me) Staff.text('proc-error', errorText(err));
      return;
    }
    PA.loaded = true;
    const pick = el('proc-pick');
    const chosen = keep || pick.value;
    pick.replaceChildren(...PA.procedures.map((p) => h('option', { value: p.code }, optionText(p))));
    if (chosen && PA.procedures.some((p) => p.code === chosen)) pick.value = chosen;
    fill();
  }

  function optionText(p) {
    return `${p.code} — ${Lang.get() === 'en' ? p.name_en : p.name_vi}`;
  }

  function current() {
    return PA.procedures.find((p) => p.code === el('proc-pick').value) || null;
  }

  function fill() {
    const p = current();
    Staff.text('proc-error', '');
    if (!p) return;
    el('proc-fee-vnd').value = p.fee_vnd === null || p.fee_vnd === undefined ? '' : p.fee_vnd;
    el('proc-fee-text-vi').value = p.fee_text_vi || '';
    el('proc-fee-text-en').value = p.fee_text_en || '';
    el('proc-days').value = p.processing_days;
    el('proc-days-text-vi').value = p.processing_text_vi || '';
    el('proc-days-text-en').value = p.processing_text_en || '';
    el('proc-documents').value = JSON.stringify(p.documents || [], null, 2);
  }

  /* The changed keys, or a sentence saying what is wrong before anything is sent. */
  function changes() {
    const fee = el('proc-fee-vnd').value.trim();
    if (fee !== '' && !/^\d+$/.test(fee)) return { error: t('admin.proc_bad_fee') };
    const days = el('proc-days').value.trim();
    if (!/^\d+$/.test(days)) return { error: t('admin.proc_bad_days') };
    let documents;
    try {
      documents = JSON.parse(el('proc-documents').value);
    } catch (e) {
      return { error: t('admin.proc_bad_json', { why: e.message }) };
    }
    return {
      body: {
        fee_vnd: fee === '' ? null : parseInt(fee, 10),
        fee_text_vi: el('proc-fee-text-vi').value.trim(),
        fee_text_en: el('proc-fee-text-en').value.trim(),
        processing_days: parseInt(days, 10),
        processing_text_vi: el('proc-days-text-vi').value.trim(),
        processing_text_en: el('proc-days-text-en').value.trim(),
        documents,
      },
    };
  }

  el('proc-pick').addEventListener('change', fill);
  el('proc-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const p = current();
    if (!p) return;
    const c = changes();
    if (c.error) { Staff.text('proc-error', c.error); return; }
    Staff.text('proc-error', '');
    el('proc-save').disabled = true;
    try {
      await Staff.call('PUT', '/api/admin/procedures/' + encodeURIComponent(p.code), c.body);
      banner(t('admin.saved'));
      await load(p.code);
    } catch (err) {
      if (Staff.me) Staff.text('proc-error', errorText(err));
    } finally {
      el('proc-save').disabled = false;
    }
  });

  // load when the tab is first opened (or is the remembered tab once the admin is logged in)
  document.querySelectorAll('[data-tab="procedures"]').forEach((b) => b.addEventListener('click', () => {
    if (!PA.loaded) load();
  }));
  const watch = new MutationObserver(() => {
    if (!PA.loaded && Staff.me && !el('tab-procedures').hidden) load();
  });
  watch.observe(el('tab-procedures'), { attributes: true, attributeFilter: ['hidden'] });
  document.addEventListener('langchange', () => { // relabel only: unsaved edits stay
    el('proc-pick').querySelectorAll('option').forEach((o) => {
      const p = PA.procedures.find((x) => x.code === o.value);
      if (p) o.textContent = optionText(p);
    });
  });
})();

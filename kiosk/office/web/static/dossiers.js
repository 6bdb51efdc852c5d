/* Dossier console (/dossiers): the dossiers declared at kiosks or filed at the counter, newest
   first. The officer finds one by its code, by scanning the slip's QR (the scanner types the QR's
   text and Enter into the search box), or by the citizen's ID number; checks the papers against
   the procedure's checklist and the number of sets, then "Tiếp nhận" (accept), "Yêu cầu bổ sung"
   (the papers marked missing) or "Từ chối" (the note is the reason); later moves as before.
   Declared dossiers older than the office's stale_declared_days can be listed and cancelled.
   Live: every `dossier` event refreshes the list (and the open dossier). */
'use strict';

const $ = (id) => document.getElementById(id);
const STATUSES = ['declared', 'received', 'processing', 'more_documents', 'ready', 'returned', 'rejected', 'cancelled'];
// these moves have their own controls (checklist, sets, reason); the others are plain buttons
const OWN_CONTROLS = ['received', 'more_documents', 'rejected'];
const D = { list: [], procedures: {}, selected: null, current: null, events: null, timer: null, staleDays: 3,
  counterKey: null, listSeq: 0, listStale: false };
const call = Staff.call;

function show(view) {
  for (const v of ['login', 'dossiers']) $('view-' + v).hidden = v !== view;
  $('who').hidden = view === 'login';
  document.body.dataset.view = view;
}
Staff.show = show;
Staff.onLogout = () => {
  if (D.events) { D.events.close(); D.events = null; }
};
Staff.bind(start);

function banner(text) {
  Staff.text('banner', text);
  clearTimeout(banner.timer);
  if (text) banner.timer = setTimeout(() => Staff.text('banner', ''), 8000);
}

function liveStatus(on) {
  $('live').dataset.state = on ? 'on' : 'off';
  $('live-text').dataset.i18n = on ? 'live.on' : 'live.off';
  $('live-text').textContent = t($('live-text').dataset.i18n);
}

/* ---------- start-up ---------- */

async function start() {
  $('who-name').textContent = Staff.me.full_name || Staff.me.username;
  show('dossiers');
  fillStatusFilter();
  try {
    const cat = await call('GET', '/api/procedures');
    D.procedures = Object.fromEntries(listOf(cat, 'procedures').map((p) => [p.code, p]));
  } catch (err) {
    if (Staff.me) banner(errorText(err));
  }
  fillCounterProcedures();
  if (!D.events) D.events = connectEvents({ dossier: onDossierEvent }, refresh, liveStatus);
  await refresh();
  $('find').focus();
}

function fillStatusFilter() {
  const sel = $('filter-status');
  const value = sel.value;
  sel.replaceChildren(h('option', { value: '' }, t('dossiers.all_statuses')),
    ...STATUSES.map((s) => h('option', { value: s }, t('dstatus.' + s))));
  sel.value = value;
}

/* ---------- the list ---------- */

async function refresh() {
  const params = new URLSearchParams();
  if ($('filter-status').value) params.set('status', $('filter-status').value);
  if ($('filter-day').value) params.set('day', $('filter-day').value);
  if ($('filter-stale').checked) params.set('stale', 'true');
  if (D.idNumber) params.set('id_number', D.idNumber);
  Staff.text('list-error', '');
  // a slower answer to an earlier filter must not replace the list of the filter now chosen
  const mine = ++D.listSeq;
  try {
    const res = await call('GET', '/api/dossiers?' + params.toString());
    if (mine !== D.listSeq) return;
    D.list = listOf(res, 'dossiers');
    D.listStale = params.has('stale');
    if (res && res.stale_days) D.staleDays = res.stale_days;
  } catch (err) {
    if (Staff.me && mine === D.listSeq) Staff.text('list-error', errorText(err));
    return;
  }
  renderList();
  refreshKpi();
  if (D.selected) await openDossier(D.selected, false);
}

/* The share of declared dossiers an officer received (all days), a line above the list. */
async function refreshKpi() {
  try {
    const k = await call('GET', '/api/dossiers/stats');
    $('kpi').hidden = !k.declared;
    $('kpi').textContent = k.declared ? t('dossiers.kpi', { received: k.received, declared: k.declared,
      share: Math.round((k.received_share || 0) * 100) }) : '';
  } catch (err) { /* a figure only: the list stays usable */ }
}

function onDossierEvent() {
  // several events may arrive together (a burst of submissions): refresh once
  clearTimeout(D.timer);
  D.timer = setTimeout(refresh, 150);
}

function procName(code) {
  const p = D.procedures[code];
  if (!p) return code;
  return Lang.get() === 'en' ? p.name_en : p.name_vi;
}

function fmtDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : (iso || '');
}

function fmtDateTime(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  return d.toLocaleString(Lang.get() === 'vi' ? 'vi-VN' : 'en-GB',
    { day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
}

function statusBadge(status) {
  return h('span', { class: 'status-badge', dataset: { status } }, t('dstatus.' + status));
}

function applicantName(d) {
  return (d.applicant && d.applicant.full_name) || (d.purged_at ? t('dossiers.purged') : '');
}

function renderList() {
  $('filter-stale-label').textContent = t('dossiers.stale', { days: D.staleDays });
  $('list-count').textContent = D.list.length ? `(${D.list.length})` : '';
  $('list-empty').hidden = D.list.length > 0;
  const stale = D.listStale; // the filter this list was fetched with, not the box's state now
  $('dossier-rows').replaceChildren(...D.list.map((d) => h('tr', {
    class: [d.status === 'declared' ? 'fresh' : '', d.code === D.selected ? 'selected' : ''].join(' ').trim() || null,
    dataset: { code: d.code, status: d.status },
    onclick: () => openDossier(d.code, true),
  }, h('td', { class: 'code' }, d.code), h('td', {}, fmtDateTime(d.declared_at)),
  h('td', {}, procName(d.procedure_code)), h('td', {}, applicantName(d)),
  h('td', {}, statusBadge(d.status)), h('td', {}, fmtDate(d.appointment_date)),
  h('td', {}, stale && d.status === 'declared' ? h('button', {
    type: 'button', class: 'btn small warn', dataset: { cancel: d.code },
    onclick: (e) => { e.stopPropagation(); cancelStale(d.code); },
  }, t('dmove.cancelled')) : ''))));
}

async function cancelStale(code) {
  try {
    await call('POST', `/api/dossiers/${encodeURIComponent(code)}/status`,
      { status: 'cancelled', note: t('dossiers.stale_note', { days: D.staleDays }) });
    banner(t('dossiers.moved', { code, status: t('dstatus.cancelled') }));
  } catch (err) {
    if (Staff.me) banner(err.code === 'bad_status' ? t('dossiers.bad_status') : errorText(err));
  }
  await refresh();
}

/* ---------- finding: a code, the slip's QR (its URL …/d/<code> or "MCHS:<code>"), an ID number
   (12 digits, or the ID card's own QR "<12 digits>|…") ---------- */

function parseFind(text) {
  const s = (text || '').trim();
  if (!s) return null;
  const url = /\/d\/([^/?#\s]+)/.exec(s);
  if (url) return { code: decodeURIComponent(url[1]) };
  const prefixed = /^MCHS:(.+)$/i.exec(s);
  if (prefixed) return { code: prefixed[1].trim() };
  const id = /^(\d{12})(\|.*)?$/.exec(s);
  if (id) return { idNumber: id[1] };
  return { code: s.toUpperCase() };
}

async function find(e) {
  if (e) e.preventDefault();
  const what = parseFind($('find').value);
  Staff.text('find-error', '');
  if (!what) return;
  if (what.idNumber) {
    D.idNumber = what.idNumber;
    $('filter-status').value = ''; $('filter-day').value = ''; $('filter-stale').checked = false;
    await refresh();
    Staff.text('find-error', D.list.length ? '' : t('dossiers.none_for_id'));
    if (D.list.length === 1) await openDossier(D.list[0].code, true);
  } else {
    D.idNumber = null;
    const found = await openDossier(what.code, true, true);
    if (!found) return;
  }
  $('find').select();
}

/* ---------- a dossier filed at the counter ---------- */

function fillCounterProcedures() {
  const sel = $('counter-procedure');
  const value = sel.value;
  sel.replaceChildren(...Object.values(D.procedures).map((p) => h('option', { value: p.code }, procName(p.code))));
  if (value) sel.value = value;
}

/* One input per leaf of the procedure's form (applicant group first), labelled from the schema. */
function renderCounterFields() {
  const proc = D.procedures[$('counter-procedure').value] || {};
  const schema = proc.form_schema || {};
  const en = Lang.get() === 'en';
  const rows = [];
  function walk(node, prefix) {
    const props = node.properties || {};
    const required = node.required || [];
    const order = (node['x-order'] || []).filter((k) => k in props);
    for (const k of Object.keys(props)) if (!order.includes(k)) order.push(k);
    for (const name of order) {
      const prop = props[name];
      if (prop.type === 'object') { walk(prop, prefix + name + '.'); continue; }
      const path = prefix + name;
      const label = (en ? (prop['x-label-en'] || prop.title) : prop.title) || name;
      const id = 'cf-' + path.replace(/\W/g, '-');
      let input;
      if (prop.enum) {
        input = h('select', { id, dataset: { path } }, h('option', { value: '' }, ''),
          ...prop.enum.map((v, i) => h('option', { value: v }, en ? ((prop['x-enum-en'] || [])[i] || v) : v)));
      } else {
        const number = prop.type === 'integer' || prop.type === 'number';
        input = h('input', { id, dataset: { path, type: number ? 'number' : 'text' }, type: number ? 'number' : 'text',
          placeholder: prop.format === 'date' ? 'dd/mm/yyyy' : null });
      }
      rows.push(h('label', { for: id }, label + (required.includes(name) ? ' *' : '')), input);
    }
  }
  walk(schema, '');
  $('counter-fields').replaceChildren(...rows);
  D.counterKey = null; // a new form: a new dossier
}

function openCounterForm() {
  fillCounterProcedures();
  renderCounterFields();
  Staff.text('counter-error', '');
  $('counter-form-card').hidden = false;
  $('counter-procedure').focus();
}

async function saveCounterDossier(e) {
  e.preventDefault();
  const applicant = {};
  const fields = {};
  $('counter-fields').querySelectorAll('[data-path]').forEach((el) => {
    const raw = el.value.trim();
    if (!raw) return;
    const value = el.dataset.type === 'number' ? Number(raw) : raw;
    const path = el.dataset.path;
    if (path.startsWith('applicant.')) applicant[path.slice(10)] = value;
    else fields[path] = value;
  });
  // one key per filled-in form: a retry after a lost answer gives back the same dossier
  if (!D.counterKey) D.counterKey = 'counter-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
  Staff.text('counter-error', '');
  $('counter-save').disabled = true;
  try {
    const d = await call('POST', '/api/dossiers', { idempotency_key: D.counterKey,
      procedure_code: $('counter-procedure').value, applicant, fields });
    D.counterKey = null;
    await refresh();
    await openDossier(d.code, true);
    $('counter-form-card').hidden = true; // the same page goes on: the checklist and "Tiếp nhận"
    banner(t('dossiers.counter_saved', { code: d.code }));
  } catch (err) {
    if (Staff.me) Staff.text('counter-error', fieldError(err));
    const bad = err.field && $('counter-fields').querySelector(`[data-path="${err.field.replace(/^fields\./, '')}"]`);
    if (bad) bad.focus();
  } finally {
    $('counter-save').disabled = false;
  }
}

/* A 422 from a form: the API's own sentence (Vietnamese, or English in English) with the field. */
function fieldError(err) {
  if (err && err.status === 422 && typeof err.detail === 'string') {
    const why = Lang.get() === 'en' && err.data.detail_en ? err.data.detail_en : err.detail;
    return err.field ? `${err.field}: ${why}` : why;
  }
  return errorText(err);
}

/* ---------- one dossier ---------- */

async function openDossier(code, fresh, searched) {
  try {
    D.current = await call('GET', '/api/dossiers/' + encodeURIComponent(code));
  } catch (err) {
    if (!Staff.me) return false;
    if (searched && err.status === 404) Staff.text('find-error', t('dossiers.not_found', { code }));
    else banner(errorText(err));
    return false;
  }
  D.selected = code = D.current.code; // a slip's token finds it too; the list knows codes
  if (fresh) {
    $('move-note').value = '';
    $('move-citizen-note').value = '';
    $('sets').value = '1';
    Staff.text('move-error', '');
    D.checks = {};
  }
  renderDetail();
  document.querySelectorAll('#dossier-rows tr').forEach((tr) => tr.classList.toggle('selected', tr.dataset.code === code));
  return true;
}

/* Labels of a form's inputs, from its JSON Schema: {path: {label, choices: {value: label}}}. */
function formLabels(schema) {
  const en = Lang.get() === 'en';
  const out = {};
  function walk(node, prefix) {
    const props = node.properties || {};
    const order = (node['x-order'] || []).filter((k) => k in props);
    for (const k of Object.keys(props)) if (!order.includes(k)) order.push(k);
    for (const name of order) {
      const prop = props[name];
      if (prop.type === 'object') { walk(prop, prefix + name + '.'); continue; }
      const choices = {};
      (prop.enum || []).forEach((v, i) => { choices[v] = en ? ((prop['x-enum-en'] || [])[i] || v) : v; });
      out[prefix + name] = { label: en ? (prop['x-label-en'] || prop.title || name) : (prop.title || name), choices };
    }
  }
  walk(schema || {}, '');
  return out;
}

function fieldList(values, labels, prefix) {
  const rows = [];
  const keys = Object.keys(labels).filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
  for (const k of Object.keys(values || {})) if (!keys.includes(k)) keys.push(k); // fields the schema lost since
  for (const k of keys) {
    if (!values || values[k] === undefined || values[k] === null || values[k] === '') continue;
    const info = labels[prefix + k] || { label: k, choices: {} };
    let v = values[k];
    if (info.choices[v] !== undefined) v = info.choices[v];
    else if (/^\d{4}-\d{2}-\d{2}$/.test(String(v))) v = fmtDate(v);
    rows.push(h('dt', {}, info.label), h('dd', {}, String(v)));
  }
  return rows;
}

/* The papers a dossier stores (the catalogue's `vi`, which carries the kiosk's hints) as the
   official forms name them (`name_vi`), as the receipt and the supplement print them. */
function officialNames(d, names) {
  const docs = (D.procedures[d.procedure_code] || {}).documents || [];
  const official = Object.fromEntries(docs.filter((x) => x.name_vi).map((x) => [x.vi, x.name_vi]));
  return (names || []).map((n) => official[n] || n);
}

function renderDetail() {
  const d = D.current;
  $('detail').hidden = !d;
  if (!d) return;
  $('detail-code').textContent = d.code;
  $('detail-status').replaceWith(Object.assign(statusBadge(d.status), { id: 'detail-status' }));
  $('detail-meta').textContent = [
    procName(d.procedure_code),
    t('dossiers.declared_at', { when: fmtDateTime(d.declared_at) }),
    d.kiosk_id ? t('dossiers.from_kiosk', { kiosk: d.kiosk_id }) : t('dossiers.at_counter'),
    d.volunteer_code ? t('dossiers.volunteer', { code: d.volunteer_code }) : '',
  ].filter(Boolean).join(' · ');
  const rec = [];
  if (d.received_at) {
    rec.push(h('dt', {}, t('dossiers.received_label')),
      h('dd', { id: 'detail-received' }, t('dossiers.received_by', { when: fmtDateTime(d.received_at), who: d.received_by || '' })));
    rec.push(h('dt', {}, t('dossiers.col_appointment')), h('dd', { id: 'detail-appointment' }, fmtDateTime(d.appointment_at)));
    rec.push(h('dt', {}, t('dossiers.documents_received')),
      h('dd', {}, officialNames(d, d.documents_received).join('\n') + '\n' + t('dossiers.sets_n', { n: d.sets })));
  }
  if ((d.missing_documents || []).length) {
    rec.push(h('dt', {}, t('dossiers.missing')), h('dd', { id: 'detail-missing' }, officialNames(d, d.missing_documents).join('\n')));
  }
  $('detail-reception').replaceChildren(...rec);
  renderForms(d);
  Staff.text('detail-note', d.note ? t('dossiers.last_note', { note: d.note }) : '');
  Staff.text('detail-citizen-note', d.citizen_note ? t('dossiers.last_citizen_note', { note: d.citizen_note }) : '');

  const proc = D.procedures[d.procedure_code] || {};
  const labels = formLabels(proc.form_schema);
  if (d.purged_at) {
    $('detail-applicant').replaceChildren(h('dt', {}, t('dossiers.purged')), h('dd', {}, fmtDateTime(d.purged_at)));
    $('detail-fields').replaceChildren();
  } else {
    $('detail-applicant').replaceChildren(...fieldList(d.applicant, labels, 'applicant.'));
    $('detail-fields').replaceChildren(...fieldList(d.fields, labels, ''));
  }
  $('detail-history').replaceChildren(...(d.history || []).map((e) => h('li', {},
    statusBadge(e.status), ' ', h('span', { class: 'when' }, fmtDateTime(e.at)),
    e.actor ? ' · ' + e.actor.replace(/^(user|kiosk):/, '') : '', e.note ? ' — ' + e.note : '')));

  const next = d.next_statuses || [];
  renderChecklist(d, proc, next);
  $('moves').hidden = next.length === 0;
  // own controls first, in the order an officer meets them: receive, ask for more, refuse
  const order = [...OWN_CONTROLS.filter((s) => next.includes(s)), ...next.filter((s) => !OWN_CONTROLS.includes(s))];
  $('move-buttons').replaceChildren(...order.map((s) => h('button', {
    type: 'button', class: 'btn ' + (s === 'rejected' || s === 'cancelled' ? 'warn' : (s === 'more_documents' ? '' : 'primary')),
    dataset: { move: s }, onclick: () => move(s),
  }, t(s === 'received' ? 'dmove.accept' : 'dmove.' + s))));
}

/* The official papers that apply now (the staff view's `forms`: no receipt before "Tiếp nhận", a
   supplement once papers were asked for, a refusal once refused, the tờ khai always), each a PDF
   opened in a new tab; the session cookie authorises the plain link. */
const FORM_ORDER = ['receipt', 'supplement', 'refusal', 'declaration'];
function renderForms(d) {
  const forms = FORM_ORDER.filter((f) => (d.forms || []).includes(f));
  $('detail-forms').hidden = !forms.length;
  const link = (f, paper) => h('a', {
    class: 'btn small' + (f === 'declaration' || paper ? '' : ' primary'), target: '_blank', rel: 'noopener',
    href: `/api/dossiers/${encodeURIComponent(d.code)}/forms/${f}.pdf` + (paper ? `?paper=${paper}` : ''),
    dataset: { form: paper ? `${f}-${paper}` : f },
  }, t('dform.' + f + (paper ? '_' + paper : '')));
  // the receipt also on the counter's 80 mm thermal printer (printed from the browser like the A4)
  $('detail-forms-links').replaceChildren(...forms.flatMap((f) => (f === 'receipt' ? [link(f), link(f, '80mm')] : [link(f)])));
}

/* The procedure's papers, each "Đã nhận" or "Còn thiếu" (one or the other); kept across live refreshes. */
function renderChecklist(d, proc, next) {
  const canReceive = next.includes('received');
  const canAsk = next.includes('more_documents');
  $('reception').hidden = !(canReceive || canAsk);
  $('sets-row').hidden = !canReceive;
  if ($('reception').hidden) { $('checklist').replaceChildren(); return; }
  D.checks = D.checks || {};
  const en = Lang.get() === 'en';
  const docs = (proc.documents || []).filter((x) => x.needed !== 'never');
  $('checklist').replaceChildren(...docs.map((doc, i) => {
    const state = D.checks[doc.vi] || '';
    const box = (kind, enabled) => h('input', { type: 'checkbox', dataset: { doc: doc.vi, kind }, checked: state === kind,
      disabled: !enabled, 'aria-label': t(kind === 'got' ? 'dossiers.doc_received' : 'dossiers.doc_missing') + ': ' + doc.vi,
      onchange: (e) => { D.checks[doc.vi] = e.target.checked ? kind : ''; renderChecklist(D.current, proc, next); } });
    return h('tr', { dataset: { index: i } },
      h('td', {}, Ward.fill(en ? doc.en : (doc.name_vi || doc.vi)), // catalogue texts may say {department}
        doc.needed === 'if_applicable' ? h('span', { class: 'if-any' }, ' (' + t('dossiers.if_any') + ')') : '',
        !en && doc.name_vi ? h('span', { class: 'hint' }, Ward.fill(doc.vi)) : ''),
      h('td', {}, box('got', canReceive)), h('td', {}, box('missing', canAsk)));
  }));
}

function checked(kind) {
  return Object.entries(D.checks || {}).filter(([, v]) => v === kind).map(([name]) => name);
}

async function move(status) {
  const note = $('move-note').value.trim();
  const code = encodeURIComponent(D.current.code);
  let path = `/api/dossiers/${code}/status`;
  let body = { status, note: note || null };
  if (status === 'received') {
    const documents = checked('got');
    const sets = Number($('sets').value);
    if (!documents.length) { Staff.text('move-error', t('dossiers.need_documents')); return; }
    if (!Number.isInteger(sets) || sets < 1 || sets > 20) { Staff.text('move-error', t('dossiers.need_sets')); $('sets').focus(); return; }
    path = `/api/dossiers/${code}/accept`;
    body = { documents_received: documents, sets, note: note || null };
  } else if (status === 'more_documents') {
    const missing = checked('missing');
    if (!missing.length) { Staff.text('move-error', t('dossiers.need_missing')); return; }
    path = `/api/dossiers/${code}/more-documents`;
    body = { missing_documents: missing, note: note || null };
  } else if (status === 'rejected') {
    if (!note) { Staff.text('move-error', t('dossiers.need_reason')); $('move-note').focus(); return; }
    path = `/api/dossiers/${code}/reject`;
    body = { reason: note };
  }
  body.citizen_note = $('move-citizen-note').value.trim() || null; // what the citizen's page shows
  Staff.text('move-error', '');
  document.querySelectorAll('#move-buttons button').forEach((b) => { b.disabled = true; });
  try {
    D.current = await call('POST', path, body);
    $('move-note').value = '';
    $('move-citizen-note').value = '';
    D.checks = {};
    banner(t('dossiers.moved', { code: D.current.code, status: t('dstatus.' + status) }));
  } catch (err) {
    if (!Staff.me) return;
    Staff.text('move-error', err.code === 'bad_status' ? t('dossiers.bad_status') : fieldError(err));
  }
  renderDetail();
  await refresh();
}

/* ---------- filters and language ---------- */

function localToday() {
  const d = new Date();
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

$('filter-status').addEventListener('change', refresh);
$('filter-stale').addEventListener('change', () => { D.idNumber = null; refresh(); });
$('find-form').addEventListener('submit', find);
$('counter-new').addEventListener('click', openCounterForm);
$('counter-procedure').addEventListener('change', renderCounterFields);
$('counter-form').addEventListener('submit', saveCounterDossier);
$('counter-cancel').addEventListener('click', () => { $('counter-form-card').hidden = true; });
$('filter-day').addEventListener('change', refresh);
$('filter-today').addEventListener('click', () => { $('filter-day').value = localToday(); refresh(); });
$('filter-all').addEventListener('click', () => { $('filter-day').value = ''; D.idNumber = null; refresh(); });
$('filters').addEventListener('submit', (e) => e.preventDefault());

document.addEventListener('langchange', () => {
  fillStatusFilter();
  if (Staff.me && document.body.dataset.view === 'dossiers') { renderList(); renderDetail(); fillCounterProcedures(); }
  if ($('live-text').dataset.i18n) $('live-text').textContent = t($('live-text').dataset.i18n);
});

Staff.resume(start);

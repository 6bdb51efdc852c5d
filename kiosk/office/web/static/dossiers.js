/* Dossier console (/dossiers): the dossiers kiosks sent, newest first; open one to read the
   applicant and the form (labels from the procedure's form_schema) and move it along its statuses.
   Live: every `dossier` event refreshes the list (and the open dossier). */
'use strict';

const $ = (id) => document.getElementById(id);
const STATUSES = ['received', 'processing', 'more_documents', 'ready', 'returned', 'rejected'];
const NOTE_NEEDED = ['more_documents', 'rejected'];
const D = { list: [], procedures: {}, selected: null, current: null, events: null, timer: null };
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
  if (!D.events) D.events = connectEvents({ dossier: onDossierEvent }, refresh, liveStatus);
  await refresh();
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
  Staff.text('list-error', '');
  try {
    D.list = listOf(await call('GET', '/api/dossiers?' + params.toString()), 'dossiers');
  } catch (err) {
    if (Staff.me) Staff.text('list-error', errorText(err));
    return;
  }
  renderList();
  if (D.selected) await openDossier(D.selected, false);
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
  $('list-count').textContent = D.list.length ? `(${D.list.length})` : '';
  $('list-empty').hidden = D.list.length > 0;
  $('dossier-rows').replaceChildren(...D.list.map((d) => h('tr', {
    class: [d.status === 'received' ? 'fresh' : '', d.code === D.selected ? 'selected' : ''].join(' ').trim() || null,
    dataset: { code: d.code, status: d.status },
    onclick: () => openDossier(d.code, true),
  }, h('td', { class: 'code' }, d.code), h('td', {}, fmtDateTime(d.received_at)),
  h('td', {}, procName(d.procedure_code)), h('td', {}, applicantName(d)),
  h('td', {}, statusBadge(d.status)), h('td', {}, fmtDate(d.appointment_date)))));
}

/* ---------- one dossier ---------- */

async function openDossier(code, fresh) {
  try {
    D.current = await call('GET', '/api/dossiers/' + encodeURIComponent(code));
  } catch (err) {
    if (Staff.me) banner(errorText(err));
    return;
  }
  D.selected = code;
  if (fresh) {
    $('move-note').value = '';
    Staff.text('move-error', '');
  }
  renderDetail();
  document.querySelectorAll('#dossier-rows tr').forEach((tr) => tr.classList.toggle('selected', tr.dataset.code === code));
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

function renderDetail() {
  const d = D.current;
  $('detail').hidden = !d;
  if (!d) return;
  $('detail-code').textContent = d.code;
  $('detail-status').replaceWith(Object.assign(statusBadge(d.status), { id: 'detail-status' }));
  $('detail-meta').textContent = [
    procName(d.procedure_code),
    t('dossiers.received_at', { when: fmtDateTime(d.received_at) }),
    t('dossiers.appointment', { day: fmtDate(d.appointment_date) }),
    d.kiosk_id ? t('dossiers.from_kiosk', { kiosk: d.kiosk_id }) : '',
    d.volunteer_code ? t('dossiers.volunteer', { code: d.volunteer_code }) : '',
  ].filter(Boolean).join(' · ');
  Staff.text('detail-note', d.note ? t('dossiers.last_note', { note: d.note }) : '');

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
  $('moves').hidden = next.length === 0;
  $('move-buttons').replaceChildren(...next.map((s) => h('button', {
    type: 'button', class: 'btn ' + (s === 'rejected' ? 'warn' : (s === 'more_documents' ? '' : 'primary')),
    dataset: { move: s }, onclick: () => move(s),
  }, t('dmove.' + s))));
}

async function move(status) {
  const note = $('move-note').value.trim();
  if (NOTE_NEEDED.includes(status) && !note) {
    Staff.text('move-error', t('dossiers.need_note'));
    $('move-note').focus();
    return;
  }
  Staff.text('move-error', '');
  document.querySelectorAll('#move-buttons button').forEach((b) => { b.disabled = true; });
  try {
    D.current = await call('POST', `/api/dossiers/${encodeURIComponent(D.current.code)}/status`,
      { status, note: note || null });
    $('move-note').value = '';
    banner(t('dossiers.moved', { code: D.current.code, status: t('dstatus.' + status) }));
  } catch (err) {
    if (!Staff.me) return;
    Staff.text('move-error', err.code === 'bad_status' ? t('dossiers.bad_status') : errorText(err));
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
$('filter-day').addEventListener('change', refresh);
$('filter-today').addEventListener('click', () => { $('filter-day').value = localToday(); refresh(); });
$('filter-all').addEventListener('click', () => { $('filter-day').value = ''; refresh(); });
$('filters').addEventListener('submit', (e) => e.preventDefault());

document.addEventListener('langchange', () => {
  fillStatusFilter();
  if (Staff.me && document.body.dataset.view === 'dossiers') { renderList(); renderDetail(); }
  if ($('live-text').dataset.i18n) $('live-text').textContent = t($('live-text').dataset.i18n);
});

Staff.resume(start);

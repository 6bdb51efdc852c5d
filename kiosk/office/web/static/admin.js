/* Admin pages (/admin, admin role only): queue order settings, services, counters, users.
   The API enforces the role; this page only hides what a non-admin could not use anyway. */
'use strict';

const $ = (id) => document.getElementById(id);
const TAB_KEY = 'motcua.admin.tab';
const A = { services: [], counters: [], users: [], settings: {} };
const call = Staff.call;

function show(view) {
  for (const v of ['login', 'denied', 'admin']) $('view-' + v).hidden = v !== view;
  $('who').hidden = view === 'login';
  document.body.dataset.view = view;
}
Staff.show = show;
Staff.bind(start);

function banner(text) {
  Staff.text('banner', text);
  clearTimeout(banner.timer);
  if (text) banner.timer = setTimeout(() => Staff.text('banner', ''), 5000);
}

async function start() {
  $('who-name').textContent = Staff.me.full_name || Staff.me.username;
  if (Staff.me.role !== 'admin') { show('denied'); return; }
  show('admin');
  openTab(localStorage.getItem(TAB_KEY) || 'settings');
  await loadAll();
}

async function loadAll() {
  try {
    const [settings, services, counters, users] = await Promise.all([
      call('GET', '/api/admin/settings'), call('GET', '/api/admin/services'),
      call('GET', '/api/admin/counters'), call('GET', '/api/admin/users')]);
    A.settings = (settings && settings.settings) || settings || {};
    A.services = listOf(services, 'services');
    A.counters = listOf(counters, 'counters');
    A.users = listOf(users, 'users');
  } catch (err) {
    if (Staff.me) banner(errorText(err));
    return;
  }
  renderAll();
}

function renderAll() {
  renderSettings();
  renderServices();
  renderCounters();
  renderUsers();
}

function openTab(name) {
  if (!$('tab-' + name)) name = 'settings';
  localStorage.setItem(TAB_KEY, name);
  document.querySelectorAll('[data-tab]').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === name)));
  document.querySelectorAll('.tab').forEach((s) => { s.hidden = s.id !== 'tab-' + name; });
}
document.querySelectorAll('[data-tab]').forEach((b) => b.addEventListener('click', () => openTab(b.dataset.tab)));

/* Runs a save, shows its error next to the table or a "saved" banner, then reloads. */
async function save(errorId, fn) {
  Staff.text(errorId, '');
  try {
    await fn();
    banner(t('admin.saved'));
    await loadAll();
    return true;
  } catch (err) {
    if (Staff.me) Staff.text(errorId, err.userText || errorText(err));
    return false;
  }
}

/* Checked here so the admin gets a plain sentence before the API's field error. */
function checkPassword(pw) {
  if (pw.length < 8) {
    const e = new Error('short password');
    e.userText = t('admin.short_password');
    throw e;
  }
  return pw;
}

function intValue(input) {
  const v = input.value.trim();
  return /^\d+$/.test(v) ? parseInt(v, 10) : NaN;
}

/* ---------- settings ---------- */

function renderSettings() {
  $('ratio-normal').value = A.settings.priority_ratio_normal;
  $('ratio-priority').value = A.settings.priority_ratio_priority;
  $('max-wait').value = A.settings.max_wait_minutes;
}

$('settings-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const normal = intValue($('ratio-normal'));
  const prio = intValue($('ratio-priority'));
  const wait = intValue($('max-wait'));
  if (!(normal >= 1 && normal <= 20) || !(prio >= 0 && prio <= 20)) { Staff.text('settings-error', t('admin.bad_ratio')); return; }
  if (!(wait >= 1 && wait <= 600)) { Staff.text('settings-error', t('admin.bad_wait')); return; }
  save('settings-error', () => call('PUT', '/api/admin/settings',
    { priority_ratio_normal: normal, priority_ratio_priority: prio, max_wait_minutes: wait }));
});

/* ---------- services ---------- */

function input(attrs) { return h('input', attrs); }

function renderServices() {
  const rows = A.services.map((s) => {
    const f = {
      prefix: input({ value: s.prefix, maxlength: 3, size: 3, 'aria-label': t('admin.col_prefix') }),
      name_vi: input({ value: s.name_vi, maxlength: 200, 'aria-label': t('admin.col_name_vi') }),
      name_en: input({ value: s.name_en, maxlength: 200, 'aria-label': t('admin.col_name_en') }),
      sort_order: input({ type: 'number', value: s.sort_order, min: 0, max: 999, class: 'num', 'aria-label': t('admin.col_order') }),
      active: input({ type: 'checkbox', checked: s.active, 'aria-label': t('admin.col_active') }),
    };
    return h('tr', { dataset: { service: s.code } },
      h('td', { class: 'code' }, s.code), h('td', {}, f.prefix), h('td', {}, f.name_vi), h('td', {}, f.name_en),
      h('td', {}, f.sort_order), h('td', {}, f.active),
      h('td', {}, h('button', { type: 'button', class: 'btn small', onclick: () => save('services-error', () =>
        call('PATCH', '/api/admin/services/' + encodeURIComponent(s.code), {
          prefix: f.prefix.value.trim().toUpperCase(), name_vi: f.name_vi.value.trim().normalize('NFC'),
          name_en: f.name_en.value.trim(), sort_order: intValue(f.sort_order) || 0, active: f.active.checked,
        })) }, t('common.save'))));
  });
  const n = {
    code: input({ placeholder: 'ho-tich', maxlength: 30, 'aria-label': t('admin.col_code') }),
    prefix: input({ placeholder: 'A', maxlength: 3, size: 3, 'aria-label': t('admin.col_prefix') }),
    name_vi: input({ maxlength: 200, 'aria-label': t('admin.col_name_vi') }),
    name_en: input({ maxlength: 200, 'aria-label': t('admin.col_name_en') }),
    sort_order: input({ type: 'number', value: A.services.length, min: 0, max: 999, class: 'num', 'aria-label': t('admin.col_order') }),
  };
  rows.push(h('tr', { class: 'new' }, h('td', {}, n.code), h('td', {}, n.prefix), h('td', {}, n.name_vi), h('td', {}, n.name_en),
    h('td', {}, n.sort_order), h('td', {}),
    h('td', {}, h('button', { type: 'button', class: 'btn small primary', onclick: () => save('services-error', () =>
      call('POST', '/api/admin/services', {
        code: n.code.value.trim().toLowerCase(), prefix: n.prefix.value.trim().toUpperCase(),
        name_vi: n.name_vi.value.trim().normalize('NFC'), name_en: n.name_en.value.trim(),
        sort_order: intValue(n.sort_order) || 0, active: true,
      })) }, t('common.add')))));
  $('services-body').replaceChildren(...rows);
}

/* ---------- counters ---------- */

function serviceBoxes(selected) {
  return A.services.map((s) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', value: s.code, checked: selected.includes(s.code) }),
    ' ', s.prefix + ' · ' + (Lang.get() === 'en' ? s.name_en : s.name_vi)));
}

function checked(box) {
  return [...box.querySelectorAll('input[type=checkbox]:checked')].map((i) => i.value);
}

function renderCounters() {
  const rows = A.counters.map((c) => {
    const f = {
      number: input({ type: 'number', value: c.number, min: 1, max: 999, class: 'num', 'aria-label': t('admin.col_number') }),
      name: input({ value: c.name, maxlength: 200, 'aria-label': t('admin.col_name') }),
      services: h('div', { class: 'checks' }, serviceBoxes(c.services)),
      active: input({ type: 'checkbox', checked: c.active, 'aria-label': t('admin.col_active') }),
    };
    return h('tr', { dataset: { counterId: c.id } },
      h('td', {}, f.number), h('td', {}, f.name), h('td', {}, f.services), h('td', {}, f.active),
      h('td', {}, h('button', { type: 'button', class: 'btn small', onclick: () => save('counters-error', () =>
        call('PATCH', '/api/admin/counters/' + c.id, {
          number: intValue(f.number), name: f.name.value.trim().normalize('NFC'),
          services: checked(f.services), active: f.active.checked,
        })) }, t('common.save'))));
  });
  const next = A.counters.reduce((m, c) => Math.max(m, c.number), 0) + 1;
  const n = {
    number: input({ type: 'number', value: next, min: 1, max: 999, class: 'num', 'aria-label': t('admin.col_number') }),
    name: input({ maxlength: 200, 'aria-label': t('admin.col_name') }),
    services: h('div', { class: 'checks' }, serviceBoxes([])),
  };
  rows.push(h('tr', { class: 'new' }, h('td', {}, n.number), h('td', {}, n.name), h('td', {}, n.services), h('td', {}),
    h('td', {}, h('button', { type: 'button', class: 'btn small primary', onclick: () => save('counters-error', () =>
      call('POST', '/api/admin/counters', {
        number: intValue(n.number), name: n.name.value.trim().normalize('NFC'), services: checked(n.services),
      })) }, t('common.add')))));
  $('counters-body').replaceChildren(...rows);
}

/* ---------- users ---------- */

function roleSelect(value) {
  return h('select', { 'aria-label': t('admin.col_role') },
    ['staff', 'admin'].map((r) => h('option', { value: r, selected: r === value }, t('role.' + r))));
}

function renderUsers() {
  const rows = A.users.map((u) => {
    const self = Staff.me && u.id === Staff.me.id;
    const f = {
      full_name: input({ value: u.full_name, maxlength: 200, 'aria-label': t('admin.col_full_name') }),
      role: roleSelect(u.role),
      password: input({ type: 'password', autocomplete: 'new-password', maxlength: 200,
        placeholder: t('admin.new_password'), 'aria-label': t('admin.new_password') }),
    };
    const changes = () => {
      const c = { full_name: f.full_name.value.trim().normalize('NFC'), role: f.role.value };
      if (f.password.value) c.password = checkPassword(f.password.value);
      return c;
    };
    return h('tr', { class: u.active ? '' : 'inactive', dataset: { user: u.username } },
      h('td', { class: 'code' }, u.username), h('td', {}, f.full_name), h('td', {}, f.role), h('td', {}, f.password),
      h('td', {}, u.active ? t('common.yes') : t('common.no')),
      h('td', { class: 'buttons' },
        h('button', { type: 'button', class: 'btn small', onclick: () => save('users-error', () =>
          call('PATCH', '/api/admin/users/' + u.id, changes())) }, t('common.save')),
        self ? null : h('button', { type: 'button', class: 'btn small ' + (u.active ? 'warn' : ''), onclick: () => save('users-error', () =>
          call('PATCH', '/api/admin/users/' + u.id, { active: !u.active })) }, t(u.active ? 'admin.deactivate' : 'admin.activate'))));
  });
  const n = {
    username: input({ maxlength: 60, autocomplete: 'off', 'aria-label': t('admin.col_username') }),
    full_name: input({ maxlength: 200, 'aria-label': t('admin.col_full_name') }),
    role: roleSelect('staff'),
    password: input({ type: 'password', autocomplete: 'new-password', maxlength: 200, 'aria-label': t('admin.col_password') }),
  };
  rows.push(h('tr', { class: 'new' }, h('td', {}, n.username), h('td', {}, n.full_name), h('td', {}, n.role), h('td', {}, n.password),
    h('td', {}),
    h('td', {}, h('button', { type: 'button', class: 'btn small primary', onclick: () => save('users-error', () =>
      call('POST', '/api/admin/users', {
        username: n.username.value.trim(), full_name: n.full_name.value.trim().normalize('NFC'),
        role: n.role.value, password: checkPassword(n.password.value),
      })) }, t('common.add')))));
  $('users-body').replaceChildren(...rows);
}

document.addEventListener('langchange', () => { if (Staff.me && Staff.me.role === 'admin') renderAll(); });

Staff.resume(start);

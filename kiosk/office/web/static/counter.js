/* Staff console (/counter): login, choose a counter, call and serve citizens, live updates. */
'use strict';

const COUNTER_KEY = 'motcua.counter';
const $ = (id) => document.getElementById(id);

const S = {
  counters: [],
  services: [],
  counterId: null,
  current: null, // the ticket called or being served at this counter
  waiting: [],
  noShows: [],
  kiosks: [],
  help: [], // help requests from kiosks (open or taken)
  helpOffset: 0, // server clock minus this browser's, in ms
  busy: false,
  events: null,
};

/* ---------- small helpers ---------- */

function show(view) {
  for (const v of ['login', 'choose', 'console']) $('view-' + v).hidden = v !== view;
  $('who').hidden = view === 'login';
  document.body.dataset.view = view;
}

const setText = Staff.text;

function myCounter() {
  return S.counters.find((c) => c.id === S.counterId) || null;
}

function serviceOf(code) {
  return S.services.find((s) => s.code === code) || null;
}

function serviceName(code) {
  const s = serviceOf(code);
  if (!s) return code || '';
  return (Lang.get() === 'en' && s.name_en) ? s.name_en : (s.name_vi || s.name || code);
}

function counterServiceCodes(c) {
  return (c && c.services ? c.services : []).map((s) => (typeof s === 'string' ? s : s.code));
}

function counterLabel(c) {
  const label = t('counter.number', { n: c.number });
  const plain = !c.name || /^(quầy|counter)\s*\d+$/i.test(c.name.trim());
  return plain ? label : label + ' · ' + c.name;
}

function priorityLabel(p) {
  return p ? t('priority.' + p) : '';
}

/* ---------- session ---------- */

const call = Staff.call;
Staff.show = show;
Staff.onLogout = () => {
  if (S.events) { S.events.close(); S.events = null; }
};
Staff.bind(start);

/* ---------- start-up ---------- */

async function start() {
  $('who-name').textContent = Staff.me.full_name || Staff.me.username;
  $('admin-link').hidden = Staff.me.role !== 'admin';
  try {
    const [services, counters] = await Promise.all([call('GET', '/api/services'), call('GET', '/api/counters')]);
    S.services = listOf(services, 'services');
    S.counters = listOf(counters, 'counters');
  } catch (err) {
    if (Staff.me) banner(errorText(err));
    return;
  }
  const saved = parseInt(localStorage.getItem(COUNTER_KEY), 10);
  if (S.counters.some((c) => c.id === saved)) chooseCounter(saved);
  else showChoices();
}

function showChoices() {
  show('choose');
  $('who-counter').textContent = '';
  const box = $('counter-choices');
  box.replaceChildren(...S.counters.filter((c) => c.active !== false).map((c) => h('button', {
    type: 'button', class: 'btn choice', dataset: { counterId: c.id },
    onclick: () => chooseCounter(c.id),
  }, h('span', { class: 'choice-title' }, counterLabel(c)),
  h('span', { class: 'choice-sub' }, counterServiceCodes(c).map(serviceName).join(', ')))));
  if (!S.counters.length) box.append(h('p', {}, t('choose.none')));
}

$('change-counter').addEventListener('click', () => {
  localStorage.removeItem(COUNTER_KEY);
  S.counterId = null;
  showChoices();
});

function chooseCounter(id) {
  S.counterId = id;
  localStorage.setItem(COUNTER_KEY, String(id));
  show('console');
  renderHeader();
  if (!S.events) {
    S.events = connectEvents({ call: onEvent, queue: onEvent, kiosk: onEvent, help: onEvent }, refresh, liveStatus);
  }
  refresh();
}

function liveStatus(on) {
  $('live').dataset.state = on ? 'on' : 'off';
  $('live-text').dataset.i18n = on ? 'live.on' : 'live.off';
  $('live-text').textContent = t($('live-text').dataset.i18n);
}

/* ---------- data ---------- */

let refreshing = null;
let again = false;

function onEvent() { refresh(); }

/* Coalesces bursts of events into at most one reload in flight plus one queued. */
function refresh() {
  if (!Staff.me || S.counterId === null) return Promise.resolve();
  if (refreshing) { again = true; return refreshing; }
  refreshing = load().finally(() => {
    refreshing = null;
    if (again) { again = false; refresh(); }
  });
  return refreshing;
}

async function load() {
  try {
    const [counters, waiting, noShows, kiosks, help] = await Promise.all([
      call('GET', '/api/counters'),
      call('GET', '/api/tickets?status=waiting'),
      call('GET', '/api/tickets?status=no_show'),
      call('GET', '/api/kiosks').catch((e) => { if (e.status === 401) throw e; return []; }),
      call('GET', '/api/help-requests').catch((e) => { if (e.status === 401) throw e; return null; }),
    ]);
    S.counters = listOf(counters, 'counters');
    S.waiting = listOf(waiting, 'tickets');
    S.noShows = listOf(noShows, 'tickets');
    S.kiosks = listOf(kiosks, 'kiosks');
    S.help = listOf(help, 'help_requests');
    if (help && !isNaN(Date.parse(help.server_time))) S.helpOffset = Date.parse(help.server_time) - Date.now();
    const c = myCounter();
    S.current = c && c.current ? c.current : null;
    if (!c) { showChoices(); return; } // the counter was deactivated meanwhile
    render();
  } catch (err) {
    if (Staff.me) banner(errorText(err));
  }
}

function banner(text) {
  setText('banner', text);
  clearTimeout(banner.timer);
  if (text) banner.timer = setTimeout(() => setText('banner', ''), 8000);
}

/* ---------- rendering ---------- */

function renderHeader() {
  const c = myCounter();
  $('who-counter').textContent = c ? counterLabel(c) : '';
}

function render() {
  renderHeader();
  renderCurrent();
  renderWaiting();
  renderNoShows();
  renderKiosks();
  renderHelp();
  MyDay.refresh(); // counter_day.js: the officer's own figures for today
}

function renderCurrent() {
  const c = myCounter();
  const tk = S.current;
  const box = $('current');
  box.classList.toggle('empty', !tk);
  box.dataset.status = tk ? tk.status : '';
  $('cur-number').textContent = tk ? tk.number : '—';
  if (tk) {
    const bits = [serviceName(tk.service), t('status.' + tk.status)];
    if (tk.priority) bits.push(t('badge.priority') + ': ' + priorityLabel(tk.priority));
    $('cur-meta').textContent = bits.join(' · ');
  } else {
    $('cur-meta').textContent = t('console.none');
  }
  const paused = !!(c && c.paused);
  const st = tk ? tk.status : null;
  $('act-next').disabled = paused || st === 'called' || st === 'serving';
  $('act-recall').disabled = !tk;
  $('act-start').disabled = st !== 'called';
  $('act-finish').disabled = !tk;
  $('act-noshow').disabled = st !== 'called';
  $('act-transfer').disabled = !tk;
  $('act-pause').textContent = t(paused ? 'act.resume' : 'act.pause');
  $('act-pause').dataset.i18n = paused ? 'act.resume' : 'act.pause';
  $('act-pause').classList.toggle('primary', paused);
  setText('busy-hint', (st === 'called' || st === 'serving') ? t('console.finish_first') : '');
  setText('paused-note', paused ? t('console.paused', { reason: c.pause_reason || '—' }) : '');
  document.body.classList.toggle('is-paused', paused);
}

function ticketBadges(tk) {
  const out = [];
  if (tk.priority) out.push(h('span', { class: 'badge prio', title: priorityLabel(tk.priority) }, t('badge.priority') + ' · ' + priorityLabel(tk.priority)));
  if (tk.target_counter_id) {
    const c = S.counters.find((x) => x.id === tk.target_counter_id);
    out.push(h('span', { class: 'badge target' }, t('badge.for_counter', { n: c ? c.number : '?' })));
  }
  if (tk.not_printed || tk.printed === false) out.push(h('span', { class: 'badge noprint' }, t('badge.not_printed')));
  return out;
}

function renderWaiting() {
  const mineCodes = counterServiceCodes(myCounter());
  const groups = new Map();
  for (const s of S.services) groups.set(s.code, []);
  for (const tk of S.waiting) {
    if (!groups.has(tk.service)) groups.set(tk.service, []);
    groups.get(tk.service).push(tk);
  }
  const codes = [...groups.keys()].sort((a, b) => (mineCodes.includes(b) - mineCodes.includes(a)));
  $('waiting-total').textContent = '(' + S.waiting.length + ')';
  const canCall = !(myCounter() && myCounter().paused) && !S.current;
  $('waiting-lists').replaceChildren(...codes.map((code) => {
    const list = groups.get(code);
    const mine = mineCodes.includes(code);
    return h('div', { class: 'svc' + (mine ? ' mine' : ''), dataset: { service: code } },
      h('h3', {}, serviceName(code), ' ', h('span', { class: 'count' }, String(list.length)),
        mine ? h('span', { class: 'badge mine' }, t('console.served_here')) : null),
      list.length ? h('ul', { class: 'rows' }, list.map((tk) => h('li', { class: 'row', dataset: { ticketId: tk.id, number: tk.number } },
        h('span', { class: 'num' }, tk.number),
        ...ticketBadges(tk),
        tk.printed === false ? h('button', { type: 'button', class: 'btn small', dataset: { action: 'reprint' },
          onclick: () => act('reprint', tk) }, t('act.reprint')) : null,
        h('span', { class: 'since' }, waitedText(tk)),
        h('button', { type: 'button', class: 'btn small', disabled: !canCall, onclick: () => act('call', tk) }, t('act.call_this'))),
      )) : h('p', { class: 'empty-note' }, t('console.nobody')));
  }));
}

function waitedText(tk) {
  const m = minutesSince(tk.queued_at || tk.issued_at);
  return m === null ? '' : t('console.waited', { m });
}

function renderNoShows() {
  const list = $('noshow-list');
  if (!S.noShows.length) { list.replaceChildren(h('li', { class: 'empty-note' }, t('console.no_no_shows'))); return; }
  list.replaceChildren(...S.noShows.map((tk) => h('li', { class: 'row', dataset: { ticketId: tk.id, number: tk.number } },
    h('span', { class: 'num' }, tk.number),
    h('span', { class: 'svcname' }, serviceName(tk.service)),
    ...ticketBadges(tk),
    h('button', { type: 'button', class: 'btn small', onclick: () => act('requeue', tk) }, t('act.requeue')))));
}

/* ok | paper_near_end | paper_out | offline | unknown, from the kiosk's last heartbeat. */
function printerState(k) {
  const p = (k.status || {}).printer;
  if (!p) return 'unknown';
  if (p.online === false) return 'offline';
  if (p.paper === 'out') return 'paper_out';
  if (p.paper === 'near_end') return 'paper_near_end';
  return 'ok';
}

/* A scanner that dropped or is reconnecting is news; connected, stopped by config or never reported is not. */
function scannerProblem(k) {
  const state = ((k.status || {}).scanner || {}).state;
  return state === 'disconnected' || state === 'reconnecting' ? state : null;
}

function renderKiosks() {
  const list = $('kiosk-list');
  if (!S.kiosks.length) { list.replaceChildren(h('li', { class: 'empty-note' }, t('console.no_kiosks'))); return; }
  list.replaceChildren(...S.kiosks.map((k) => {
    const state = printerState(k);
    const detail = ((k.status || {}).printer || {}).detail;
    const quiet = k.last_seen ? minutesSince(k.last_seen) : null;
    return h('li', { class: 'row kiosk', dataset: { kiosk: k.id, printer: state } },
      h('span', { class: 'dot ' + state }),
      h('span', { class: 'kname' }, k.name || k.id),
      h('span', { class: 'kstate' }, t('printer.' + state) + (detail && state !== 'ok' ? ' (' + detail + ')' : '')),
      scannerProblem(k) ? h('span', { class: 'kstate scanner-problem' }, t('scanner.' + scannerProblem(k))) : null,
      h('span', { class: 'since' + (quiet === null || quiet >= 5 ? ' stale' : '') },
        k.last_seen ? t('printer.seen', { time: fmtTime(k.last_seen) }) : t('printer.never')));
  }));
}

/* Help requests from kiosks: open ones first; overdue ones (nobody took them in time) stand out. */
function helpOverdue(x) {
  return x.status === 'open' && (x.overdue || Date.now() + S.helpOffset >= Date.parse(x.overdue_at));
}

function renderHelp() {
  const list = $('help-requests');
  $('help-total').textContent = S.help.length ? '(' + S.help.length + ')' : '';
  clearTimeout(renderHelp.timer);
  if (!S.help.length) { list.replaceChildren(h('li', { class: 'empty-note' }, t('help.none'))); return; }
  const items = [...S.help].sort((a, b) => (a.status === 'open' ? 0 : 1) - (b.status === 'open' ? 0 : 1));
  list.replaceChildren(...items.map((x) => {
    const overdue = helpOverdue(x);
    const screenKey = 'help.screen.' + x.screen;
    const screen = t(screenKey) !== screenKey ? t(screenKey) : x.screen;
    const waited = Math.max(0, Math.floor((Date.now() + S.helpOffset - Date.parse(x.created_at)) / 60000));
    return h('li', { class: 'help-row ' + x.status + (overdue ? ' overdue' : ''), dataset: { helpId: x.id, status: x.status } },
      h('span', { class: 'where' }, h('span', { class: 'kiosk-name' }, x.kiosk_name || x.kiosk_id),
        h('span', { class: 'screen' }, t('help.on_screen', { screen }))),
      overdue ? h('span', { class: 'badge overdue' }, t('help.overdue')) : null,
      h('span', { class: 'since' }, x.status === 'taken' ? t('help.taken_by', { name: x.taker || '?' }) : (waited ? t('help.waiting', { m: waited }) : t('help.just_now'))),
      x.status === 'open'
        ? h('button', { type: 'button', class: 'btn small', dataset: { action: 'take' }, onclick: () => helpAct('take', x) }, t('help.take'))
        : h('button', { type: 'button', class: 'btn small', dataset: { action: 'close' }, onclick: () => helpAct('close', x) }, t('help.close')));
  }));
  // re-draw when the next open request turns overdue, without waiting for an event
  const next = S.help.filter((x) => x.status === 'open' && !helpOverdue(x))
    .map((x) => Date.parse(x.overdue_at) - (Date.now() + S.helpOffset)).filter((ms) => ms >= 0);
  if (next.length) renderHelp.timer = setTimeout(renderHelp, Math.min(...next) + 250);
}

async function helpAct(name, x) {
  setText('action-error', '');
  try {
    await call('POST', `/api/help-requests/${x.id}/${name}`);
  } catch (err) {
    if (Staff.me) setText('action-error', errorText(err));
  }
  await refresh();
}

/* ---------- actions ---------- */

const ACTIONS = {
  next: () => call('POST', `/api/counters/${S.counterId}/call-next`),
  recall: (tk) => call('POST', `/api/tickets/${tk.id}/recall`),
  start: (tk) => call('POST', `/api/tickets/${tk.id}/start`),
  finish: (tk) => call('POST', `/api/tickets/${tk.id}/finish`),
  no_show: (tk) => call('POST', `/api/tickets/${tk.id}/no-show`),
  call: (tk) => call('POST', `/api/tickets/${tk.id}/call`, { counter_id: S.counterId }),
  requeue: (tk) => call('POST', `/api/tickets/${tk.id}/requeue`),
  reprint: (tk) => call('POST', `/api/tickets/${tk.id}/reprint`),
};

async function act(name, tk) {
  if (S.busy) return; // one action at a time: a double click never calls two citizens
  S.busy = true;
  document.body.classList.add('busy');
  setText('action-error', '');
  try {
    const res = await ACTIONS[name](tk || S.current);
    if (name === 'next' && res === null) banner(t('console.queue_empty'));
    await refresh();
  } catch (err) {
    if (Staff.me) {
      setText('action-error', errorText(err));
      refresh();
    }
  } finally {
    S.busy = false;
    document.body.classList.remove('busy');
  }
}

$('act-next').addEventListener('click', () => act('next'));
$('act-recall').addEventListener('click', () => act('recall'));
$('act-start').addEventListener('click', () => act('start'));
$('act-finish').addEventListener('click', () => act('finish'));
$('act-noshow').addEventListener('click', () => act('no_show'));

/* transfer */
$('act-transfer').addEventListener('click', () => {
  const tk = S.current;
  if (!tk) return;
  $('transfer-ticket').textContent = tk.number + ' · ' + serviceName(tk.service);
  setText('transfer-error', '');
  $('transfer-services').replaceChildren(...S.services.filter((s) => s.code !== tk.service && s.active !== false).map((s) =>
    h('button', { type: 'button', class: 'btn pick', dataset: { service: s.code }, onclick: () => transfer({ service: s.code }) }, serviceName(s.code))));
  $('transfer-counters').replaceChildren(...S.counters.filter((c) => c.id !== S.counterId && c.active !== false).map((c) =>
    h('button', { type: 'button', class: 'btn pick', dataset: { counterId: c.id }, onclick: () => transfer({ counter_id: c.id }) }, counterLabel(c))));
  $('transfer-dialog').showModal();
});
$('transfer-cancel').addEventListener('click', () => $('transfer-dialog').close());

async function transfer(target) {
  const tk = S.current;
  if (!tk || S.busy) return;
  S.busy = true;
  try {
    await call('POST', `/api/tickets/${tk.id}/transfer`, target);
    $('transfer-dialog').close();
    banner(t('transfer.done', { number: tk.number }));
    await refresh();
  } catch (err) {
    setText('transfer-error', errorText(err));
  } finally {
    S.busy = false;
  }
}

/* pause / resume */
$('act-pause').addEventListener('click', async () => {
  const c = myCounter();
  if (c && c.paused) {
    if (S.busy) return;
    S.busy = true;
    try {
      await call('POST', `/api/counters/${S.counterId}/resume`);
      await refresh();
    } catch (err) {
      setText('action-error', errorText(err));
    } finally {
      S.busy = false;
    }
    return;
  }
  setText('pause-error', '');
  $('pause-dialog').showModal();
});
$('pause-cancel').addEventListener('click', () => $('pause-dialog').close());
$('pause-other').addEventListener('input', () => {
  document.querySelector('#pause-reasons input[value="other"]').checked = true;
});
$('pause-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const choice = document.querySelector('#pause-reasons input:checked').value;
  const reason = choice === 'other' ? $('pause-other').value.trim() : t(choice);
  if (!reason) { setText('pause-error', t('pause.need_reason')); return; }
  try {
    await call('POST', `/api/counters/${S.counterId}/pause`, { reason });
    $('pause-dialog').close();
    $('pause-other').value = '';
    await refresh();
  } catch (err) {
    setText('pause-error', errorText(err));
  }
});

document.addEventListener('langchange', () => {
  if (document.body.dataset.view === 'choose') showChoices();
  else if (Staff.me && S.counterId !== null) render();
  if (!$('live-text').dataset.i18n) return;
  $('live-text').textContent = t($('live-text').dataset.i18n);
});

/* the waited-minutes labels age without any event */
setInterval(() => { if (document.body.dataset.view === 'console') { renderWaiting(); renderHelp(); } }, 30000);

Staff.resume(start);

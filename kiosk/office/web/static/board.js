/* Lobby board (/board): current number per counter, last calls, flash + chime + voice on a call.
   Calls are pushed over /api/events (SSE); the board loads /api/queue only when it (re)connects. */
'use strict';

const $ = (id) => document.getElementById(id);
const RECENT_MAX = 10;

const S = {
  counters: new Map(), // counter number -> {number, name, paused, ticket}
  recent: [], // call events, newest first
  seq: 0,
  skew: 0, // server clock minus ours, in ms
  ready: false,
  pending: [], // calls that arrived while the snapshot was loading
};

/* ---------- snapshot (on connect and reconnect) ---------- */

async function loadSnapshot() {
  S.ready = false;
  document.body.dataset.ready = 'false';
  try {
    applySnapshot(await api('GET', '/api/queue'));
  } catch (err) {
    setTimeout(loadSnapshot, 3000);
    return;
  }
  S.ready = true;
  document.body.dataset.ready = 'true';
  const pending = S.pending;
  S.pending = [];
  for (const ev of pending) onCall(ev);
}

function applySnapshot(q) {
  const server = Date.parse(q.server_time);
  if (!isNaN(server)) S.skew = server - Date.now();
  S.counters.clear();
  for (const c of q.counters || []) {
    if (c.active === false) continue;
    const cur = c.current || c.current_ticket || c.ticket || null;
    S.counters.set(c.number, { number: c.number, name: c.name || '', paused: !!c.paused, ticket: cur ? cur.number : null });
  }
  S.recent = (q.recent_calls || q.last_calls || q.recent || []).slice(0, RECENT_MAX);
  if (!S.seq && S.recent.length) showNow(S.recent[0], false);
  renderCounters();
  renderRecent();
}

/* ---------- live calls ---------- */

function onCall(ev) {
  if (!S.ready) { S.pending.push(ev); return; }
  const seen = S.recent.some((r) => r.ticket_id === ev.ticket_id && r.at === ev.at);
  const card = S.counters.get(ev.counter_number) || { number: ev.counter_number, name: '', paused: false };
  card.ticket = ev.number;
  S.counters.set(ev.counter_number, card);
  S.recent = [ev, ...S.recent.filter((r) => r.ticket_id !== ev.ticket_id)].slice(0, RECENT_MAX);
  renderCounters(ev.counter_number);
  renderRecent();
  if (seen) return; // already shown by the snapshot: no second flash or announcement
  // calls replayed after a long disconnection are shown, not announced
  const age = Date.now() + S.skew - Date.parse(ev.at);
  if (!isNaN(age) && age > 60000) { showNow(ev, false); return; }
  showNow(ev, true);
  announce(ev);
}

/* Queue changes: a counter pausing or resuming shows on its card. The number a counter called
   stays on its card until its next call, as on a classic queue display. Admin changes to the
   counters or services reload the layout. */
function onQueue(data) {
  if (!data) return;
  const card = S.counters.get(data.counter_number);
  if ((data.action === 'pause' || data.action === 'resume') && card) {
    card.paused = data.action === 'pause';
    renderCounters();
  } else if (data.action === 'admin_counter' || data.action === 'admin_service') {
    loadSnapshot();
  }
}

function flash(el) {
  el.classList.remove('flash');
  void el.offsetWidth; // restart the animation on a recall
  el.classList.add('flash');
}

function showNow(ev, live) {
  $('now-number').textContent = ev.number;
  $('now-counter').textContent = ev.counter_number;
  const now = $('now');
  now.dataset.ticket = ev.number;
  if (live) {
    S.seq += 1;
    now.dataset.seq = String(S.seq);
    now.dataset.recall = ev.recall ? 'true' : 'false';
    flash(now);
  }
}

/* ---------- rendering ---------- */

function renderCounters(flashNumber) {
  const cards = [...S.counters.values()].sort((a, b) => a.number - b.number);
  const grid = $('counters');
  grid.dataset.n = String(cards.length);
  grid.replaceChildren(...cards.map((c) => {
    const el = h('div', { class: 'counter' + (c.paused ? ' paused' : ''), dataset: { counter: c.number } },
      h('div', { class: 'c-label' }, t('board.counter', { n: c.number })),
      h('div', { class: 'c-number' }, c.ticket || '—'),
      c.paused ? h('div', { class: 'c-note' }, t('board.paused')) : null);
    if (c.number === flashNumber) flash(el);
    return el;
  }));
}

function renderRecent() {
  $('recent').replaceChildren(...S.recent.map((r, i) => h('li', { class: i === 0 ? 'latest' : '', dataset: { ticket: r.number } },
    h('span', { class: 'r-number' }, r.number),
    h('span', { class: 'r-counter' }, String(r.counter_number)))));
}

/* ---------- sound ---------- */

const Sound = { queue: [], playing: false, ctx: null };

/* Each call is fetched at once (so it is ready when its turn comes) and played in order. */
function announce(ev) {
  const q = new URLSearchParams({ number: ev.number, counter: String(ev.counter_number), at: ev.at || String(Date.now()) });
  const audio = new Audio();
  audio.preload = 'auto';
  audio.src = '/board/speech?' + q.toString();
  Sound.queue.push(audio);
  if (Sound.queue.length > 5) Sound.queue.shift(); // never fall minutes behind the calls
  playNext();
}

function playNext() {
  if (Sound.playing || !Sound.queue.length) return;
  const audio = Sound.queue.shift();
  Sound.playing = true;
  const done = () => { Sound.playing = false; setTimeout(playNext, 300); };
  audio.addEventListener('ended', done);
  audio.addEventListener('error', done);
  audio.play().catch((err) => {
    Sound.playing = false;
    if (err && err.name === 'NotAllowedError') showOverlay();
    setTimeout(playNext, 300);
  });
}

/* Browsers keep audio muted until the first click on the page (autoplay policy). A TV kiosk
   started with --autoplay-policy=no-user-gesture-required never shows this overlay. */
function checkAutoplay() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  try { Sound.ctx = new Ctx(); } catch (e) { return; }
  setTimeout(() => { if (Sound.ctx.state !== 'running') showOverlay(); }, 800);
}

function showOverlay() { $('sound-overlay').hidden = false; }

$('sound-on').addEventListener('click', () => {
  $('sound-overlay').hidden = true;
  if (Sound.ctx) Sound.ctx.resume().catch(() => {});
  new Audio('/board/chime.wav').play().catch(() => {}); // the "ding" confirms the sound works
  playNext();
});

/* ---------- clock and connection ---------- */

function tick() {
  const d = new Date();
  $('clock').textContent = d.toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' });
}

function liveStatus(on) {
  $('live').dataset.state = on ? 'on' : 'off';
  $('live-text').dataset.i18n = on ? 'live.on' : 'live.off';
  $('live-text').textContent = t($('live-text').dataset.i18n);
}

document.addEventListener('langchange', () => { renderCounters(); liveStatus($('live').dataset.state === 'on'); });

tick();
setInterval(tick, 5000);
checkAutoplay();
connectEvents({ call: onCall, queue: onQueue }, loadSnapshot, liveStatus);

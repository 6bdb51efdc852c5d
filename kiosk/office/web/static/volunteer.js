/* /volunteer: a volunteer's phone. Log in with the badge code and PIN, see kiosks that need help
   live (with a short chime), tap "Tôi đến ngay" to go. No personal data of citizens ever shows. */
'use strict';

const $ = (id) => document.getElementById(id);
const SOUND_KEY = 'motcua.volunteer.sound';
const V = {
  me: null,
  items: [],
  known: null, // ids of open requests already seen (null before the first load: no chime then)
  fresh: new Set(),
  offset: 0, // server clock minus this phone's clock, in ms
  events: null,
  busy: false,
  audio: null,
  chimes: 0,
};

function show(view) {
  $('view-login').hidden = view !== 'login';
  $('view-list').hidden = view !== 'list';
  $('live').hidden = view !== 'list';
  document.body.dataset.view = view;
}

function setText(id, value) {
  const el = $(id);
  el.textContent = value || '';
  el.hidden = !value;
}

/* ---------- login ---------- */

function showLogin(notice) {
  V.me = null;
  if (V.events) { V.events.close(); V.events = null; }
  show('login');
  setText('login-notice', notice || '');
  setText('login-error', '');
  $('vol-pin').value = '';
  ($('vol-code').value ? $('vol-pin') : $('vol-code')).focus();
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const code = $('vol-code').value.trim();
  const pin = $('vol-pin').value.trim();
  if (!code || !pin) { setText('login-error', t('vol.login_missing')); return; }
  $('login-submit').disabled = true;
  setText('login-error', '');
  try {
    const res = await api('POST', '/api/volunteers/login', { code, pin });
    V.me = res.volunteer;
    unlockSound(); // this tap lets the page play sound later
    await start();
  } catch (err) {
    setText('login-error', err instanceof ApiError && err.code === 'bad_credentials' ? t('vol.bad_login') : errorText(err, 'login'));
    $('vol-pin').value = '';
    $('vol-pin').focus();
  } finally {
    $('login-submit').disabled = false;
  }
});

$('logout').addEventListener('click', async () => {
  try { await api('POST', '/api/volunteers/logout'); } catch (e) { /* leaving anyway */ }
  showLogin(t('login.logged_out'));
});

/* An API call that sends the volunteer back to the login form when the session has ended. */
async function call(method, path, body) {
  try {
    return await api(method, path, body);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401 && V.me) showLogin(t('err.session'));
    throw err;
  }
}

async function start() {
  show('list');
  renderHello();
  renderSoundButton();
  if (!V.events) V.events = connectEvents({ help: () => refresh() }, () => refresh(), liveStatus);
  await refresh();
}

function renderHello() {
  $('hello').textContent = V.me ? t('vol.hello', { name: V.me.first_name || V.me.name }) : '';
}

function liveStatus(on) {
  $('live').dataset.state = on ? 'on' : 'off';
  $('live-text').dataset.i18n = on ? 'live.on' : 'live.off';
  $('live-text').textContent = t($('live-text').dataset.i18n);
}

/* ---------- sound ---------- */

function soundWanted() { return localStorage.getItem(SOUND_KEY) !== 'off'; }

function unlockSound() {
  // browsers play sound only after a tap on the page: make the element during one
  if (!V.audio) { V.audio = new Audio('/volunteer/chime.wav'); V.audio.preload = 'auto'; }
}

function chime() {
  if (!soundWanted()) return;
  unlockSound();
  V.audio.currentTime = 0;
  const played = V.audio.play();
  const done = () => { V.chimes += 1; document.body.dataset.chimes = String(V.chimes); };
  if (played && played.then) {
    played.then(done).catch(() => { document.body.dataset.soundBlocked = 'true'; renderSoundButton(); });
  } else {
    done();
  }
}

function renderSoundButton() {
  const b = $('sound-toggle');
  const blocked = document.body.dataset.soundBlocked === 'true';
  const key = !soundWanted() ? 'vol.sound_on' : (blocked ? 'vol.sound_tap' : 'vol.sound_off');
  b.dataset.i18n = key;
  b.textContent = t(key);
  b.classList.toggle('primary', blocked || !soundWanted());
}

$('sound-toggle').addEventListener('click', () => {
  if (document.body.dataset.soundBlocked === 'true' || !soundWanted()) {
    localStorage.setItem(SOUND_KEY, 'on');
    delete document.body.dataset.soundBlocked;
    chime(); // played during the tap, so the browser allows it from now on
  } else {
    localStorage.setItem(SOUND_KEY, 'off');
  }
  renderSoundButton();
});

/* ---------- requests ---------- */

let loading = null;
let again = false;

/* Coalesces bursts of events into one reload in flight plus one queued. */
function refresh() {
  if (!V.me) return Promise.resolve();
  if (loading) { again = true; return loading; }
  loading = load().finally(() => {
    loading = null;
    if (again) { again = false; refresh(); }
  });
  return loading;
}

async function load() {
  let res;
  try {
    res = await call('GET', '/api/help-requests?status=open,taken');
  } catch (err) {
    if (V.me) setText('action-error', errorText(err));
    return;
  }
  V.items = listOf(res, 'help_requests');
  const serverNow = Date.parse(res.server_time);
  if (!isNaN(serverNow)) V.offset = serverNow - Date.now();
  const open = V.items.filter((x) => x.status === 'open').map((x) => x.id);
  const arrived = V.known === null ? [] : open.filter((id) => !V.known.has(id));
  V.known = new Set(open);
  arrived.forEach((id) => V.fresh.add(id));
  render();
  if (arrived.length) chime();
}

function screenName(screen) {
  const key = 'help.screen.' + screen;
  return t(key) !== key ? t(key) : screen;
}

function minutesWaiting(x) {
  const asked = Date.parse(x.created_at);
  return Math.max(0, Math.floor((Date.now() + V.offset - asked) / 60000));
}

function isOverdue(x) {
  return x.status === 'open' && (x.overdue || Date.now() + V.offset >= Date.parse(x.overdue_at));
}

function row(x, button) {
  const overdue = isOverdue(x);
  const cls = 'help-row ' + x.status + (overdue ? ' overdue' : '') + (V.fresh.has(x.id) ? ' new' : '');
  const since = x.status === 'taken'
    ? t('help.taken_at', { time: fmtTime(x.taken_at) })
    : (minutesWaiting(x) ? t('help.waiting', { m: minutesWaiting(x) }) : t('help.just_now'));
  return h('li', { class: cls, dataset: { helpId: x.id, status: x.status, overdue: String(overdue) } },
    h('span', { class: 'where' }, h('span', { class: 'kiosk-name' }, x.kiosk_name || x.kiosk_id),
      h('span', { class: 'screen' }, t('help.on_screen', { screen: screenName(x.screen) }))),
    h('span', { class: 'since' }, since),
    button);
}

function render() {
  const mine = V.items.filter((x) => x.status === 'taken' && x.mine);
  const open = V.items.filter((x) => x.status === 'open');
  $('mine-box').hidden = !mine.length;
  $('mine-list').replaceChildren(...mine.map((x) => row(x,
    h('button', { type: 'button', class: 'btn ok', dataset: { action: 'close' }, onclick: () => act('close', x) }, t('vol.done')))));
  $('open-count').textContent = '(' + open.length + ')';
  $('help-list').replaceChildren(...(open.length ? open.map((x) => row(x,
    h('button', { type: 'button', class: 'btn primary go', dataset: { action: 'take' }, onclick: () => act('take', x) }, t('vol.take'))))
    : [h('li', { class: 'empty-note' }, t('vol.none'))]));
  V.fresh.clear();
}

async function act(name, item) {
  if (V.busy) return; // one tap, one request
  V.busy = true;
  setText('action-error', '');
  try {
    await call('POST', `/api/help-requests/${item.id}/${name}`);
  } catch (err) {
    if (!V.me) return;
    if (err instanceof ApiError && err.code === 'bad_status') {
      setText('action-error', err.data.taker ? t('vol.already_taken', { name: err.data.taker }) : t('vol.gone'));
    } else {
      setText('action-error', errorText(err));
    }
  } finally {
    V.busy = false;
    await refresh();
  }
}

document.addEventListener('langchange', () => {
  renderHello();
  renderSoundButton();
  if (V.me) render();
  if ($('live-text').dataset.i18n) $('live-text').textContent = t($('live-text').dataset.i18n);
});

/* waiting minutes and the overdue mark age without any event */
setInterval(() => { if (V.me) render(); }, 30000);

(async () => {
  try {
    V.me = await api('GET', '/api/volunteers/me');
  } catch (err) {
    showLogin(err instanceof ApiError && err.status === 401 ? '' : errorText(err));
    return;
  }
  await start();
})();

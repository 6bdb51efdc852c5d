/* The rating device on a counter (/rate/{counter}). Locked to its counter by a device key that an
   admin issues: typed once (or opened as /rate/{counter}#key=...) and kept in this browser.
   When the counter finishes a ticket (a "queue" event, or the 30 s poll if events are down) it
   asks the office which ticket may be rated now, shows the faces, sends one rating, thanks the
   citizen. A rating made on the citizen's phone meanwhile ("rating" event) takes the faces away. */
'use strict';

const $ = (id) => document.getElementById(id);
const COUNTER_ID = Number(document.body.dataset.counterId);
const KEY_STORE = 'motcua.rate.key.' + COUNTER_ID;
const THANKS_MS = 15000; // then back to the resting view
const AUTO_SEND_MS = 60000; // a low score is sent with the reasons chosen when nobody touches the screen
const R = { key: null, device: null, prompt: null, form: null, sending: null, checking: false, again: false,
  expiry: null, thanks: null, events: null, poll: null };

/* A JSON call with the device key (common.js's api() sends cookies, not this header). */
async function deviceApi(method, path, body) {
  const opts = { method, headers: { Accept: 'application/json', Authorization: 'Bearer ' + R.key } };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  let res;
  try { res = await fetch(path, opts); } catch (e) { throw new ApiError(0, null); }
  if (res.status === 204) return null;
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) throw new ApiError(res.status, data && typeof data === 'object' ? data : null);
  return data;
}

function show(view) {
  for (const v of ['setup', 'idle', 'rate', 'thanks']) $('view-' + v).hidden = v !== view;
  document.body.dataset.view = view;
}

function setError(text) {
  $('error').textContent = text || '';
  $('error').hidden = !text;
}

/* The key no longer opens this counter (rotated, or never right): ask for it again. */
function lostKey(message) {
  localStorage.removeItem(KEY_STORE);
  R.key = null;
  R.device = null;
  dropPrompt();
  show('setup');
  setError(message);
  $('device-key').focus();
}

async function checkDevice() {
  let dev;
  try {
    dev = await deviceApi('GET', '/api/ratings/device');
  } catch (err) {
    if (err.status === 401) { lostKey(t('rate.bad_key')); return; }
    setError(errorText(err));
    setTimeout(checkDevice, 5000);
    return;
  }
  if (dev.counter_id !== COUNTER_ID) { lostKey(t('rate.wrong_counter', { n: dev.counter_number })); return; }
  R.device = dev;
  setError('');
  renderWhere();
  show('idle');
  if (!R.events) R.events = connectEvents({ queue: onQueue, rating: onRating }, check, liveStatus);
  if (!R.poll) R.poll = setInterval(check, 30000);
  check();
}

function renderWhere() {
  $('where').textContent = R.device ? t('rate.counter', { n: R.device.counter_number }) : '';
}

async function check() {
  if (!R.device) return;
  if (R.checking) { R.again = true; return; }
  R.checking = true;
  try {
    onPending(await deviceApi('GET', '/api/ratings/pending'));
    setError('');
  } catch (err) {
    if (err.status === 401) lostKey(t('rate.bad_key'));
    else setError(errorText(err));
  } finally {
    R.checking = false;
    if (R.again) { R.again = false; check(); }
  }
}

function onPending(p) {
  const busy = R.form && R.form.dataset.step === 'reasons'; // a citizen is choosing reasons: let them finish
  if (!p) {
    if (R.prompt && !busy) { dropPrompt(); show('idle'); }
    return;
  }
  if ((R.prompt && R.prompt.ticket_id === p.ticket_id) || busy || R.sending === p.ticket_id) return;
  p.deadline = Date.now() + Math.max(0, p.seconds_left) * 1000; // the device's clock may be off: count down
  showPrompt(p);
}

function showPrompt(p) {
  dropPrompt();
  clearTimeout(R.thanks);
  R.prompt = p;
  R.form = Faces.form((score, reasons) => submit(p, score, reasons), { autoSendMs: AUTO_SEND_MS });
  $('rate-form').replaceChildren(R.form);
  $('rate-ticket').textContent = t('rate.ticket', { number: p.number });
  show('rate');
  R.expiry = setTimeout(() => { if (R.prompt === p) { dropPrompt(); show('idle'); } },
    Math.max(0, p.deadline - Date.now()));
}

function dropPrompt() {
  if (R.form) R.form.stop();
  clearTimeout(R.expiry);
  R.prompt = null;
  R.form = null;
}

async function submit(p, score, reasons) {
  R.sending = p.ticket_id;
  try {
    await deviceApi('POST', '/api/ratings', { ticket_id: p.ticket_id, score, reasons });
    thanks('rate.thanks', true);
  } catch (err) {
    if (err.status === 409) thanks('rate.already', false);
    else if (err.status === 422 && err.code === 'rating_closed') thanks('rate.too_late', false);
    else if (err.status === 401) lostKey(t('rate.bad_key'));
    else setError(errorText(err)); // e.g. no network: the faces stay, the citizen can tap again
  } finally {
    R.sending = null;
  }
}

function thanks(key, note) {
  dropPrompt();
  setError('');
  $('thanks-title').dataset.i18n = key;
  $('thanks-title').textContent = t(key);
  $('thanks-note').hidden = !note;
  show('thanks');
  clearTimeout(R.thanks);
  R.thanks = setTimeout(() => { if (document.body.dataset.view === 'thanks') show('idle'); }, THANKS_MS);
}

function onQueue(ev) {
  if (ev && (ev.action === 'finish' || ev.action === 'day_closed')) check();
}

function onRating(ev) {
  // rated on the citizen's phone while the faces were up here
  if (ev && R.prompt && ev.ticket_id === R.prompt.ticket_id && R.sending !== ev.ticket_id) thanks('rate.already', false);
}

function liveStatus(on) {
  $('live').dataset.state = on ? 'on' : 'off';
}

$('setup-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = $('device-key').value.trim();
  if (!key) return;
  R.key = key;
  localStorage.setItem(KEY_STORE, key);
  $('device-key').value = '';
  checkDevice();
});

document.addEventListener('langchange', () => {
  renderWhere();
  if (R.prompt && !(R.form && R.form.dataset.step === 'reasons')) { const p = R.prompt; R.prompt = null; showPrompt(p); }
});

(function start() {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('key');
  if (fromLink) { // provisioned by a link: keep the key, take it out of the address bar
    localStorage.setItem(KEY_STORE, fromLink);
    history.replaceState(null, '', location.pathname + location.search);
  }
  R.key = localStorage.getItem(KEY_STORE);
  if (!Number.isInteger(COUNTER_ID) || COUNTER_ID < 1) { show('setup'); return; }
  if (!R.key) { show('setup'); $('device-key').focus(); return; }
  checkDevice();
})();

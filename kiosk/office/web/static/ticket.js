/* Public ticket page (/t/{token}) on the citizen's phone: number, status, position, estimate,
   the counter when called. Live: call events for this number update it at once; other queue
   changes trigger a (throttled) reload of the public ticket. Once the ticket is done, the same
   rating as the counter's device (faces.js), authorised by the token. No personal data anywhere. */
'use strict';

const $ = (id) => document.getElementById(id);
const TOKEN = document.body.dataset.token;
const S = { ticket: null, loading: false, again: false, lastLoad: 0, timer: null };
const RT = { state: null, asked: false, form: null, message: '' }; // the rating once done; message: an i18n key

async function load() {
  if (S.loading) { S.again = true; return; }
  S.loading = true;
  S.lastLoad = Date.now();
  try {
    S.ticket = await api('GET', '/api/public/tickets/' + encodeURIComponent(TOKEN));
    setError('');
    render();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      $('number').textContent = '—';
      $('ticket').dataset.status = 'unknown';
      $('status-text').textContent = t('ticket.not_found');
      return;
    }
    setError(errorText(err));
  } finally {
    S.loading = false;
    if (S.again) { S.again = false; load(); }
  }
}

/* At most one reload every 2 s, however busy the office is. */
function loadSoon() {
  if (S.timer) return;
  const wait = Math.max(0, 2000 - (Date.now() - S.lastLoad));
  S.timer = setTimeout(() => { S.timer = null; load(); }, wait);
}

function setError(text) {
  $('error').textContent = text;
  $('error').hidden = !text;
}

function todayIso() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
}

function render() {
  const tk = S.ticket;
  if (!tk) return;
  $('number').textContent = tk.number;
  $('service').textContent = Lang.get() === 'en' && tk.service_name_en ? tk.service_name_en : tk.service_name_vi;
  $('ticket').dataset.status = tk.status;
  document.body.dataset.status = tk.status;
  const old = tk.day && tk.day !== todayIso();
  $('day').hidden = !old;
  if (old) $('day').textContent = t('ticket.other_day', { day: tk.day.split('-').reverse().join('/') });

  const called = tk.status === 'called' && tk.counter;
  $('call').hidden = !called;
  if (called) $('call-counter').textContent = tk.counter;
  $('status-text').hidden = !!called; // the big call box says it
  $('status-text').textContent = t('ticket.status.' + tk.status, { counter: tk.counter });
  const waiting = tk.status === 'waiting';
  $('facts').hidden = !waiting;
  if (waiting) {
    $('ahead').textContent = tk.ahead === 0 ? t('ticket.next') : t('ticket.people', { n: tk.ahead });
    $('estimate').textContent = t('ticket.minutes', { m: tk.estimated_wait_minutes });
  }
  document.title = (tk.status === 'called' ? '🔔 ' : '') + tk.number + ' · ' + t('ticket.title');
  if (tk.status === 'done' && !RT.asked) loadRating();
}

/* ---- rating (same faces and reasons as the counter's device) */

const RATING_URL = () => '/api/public/tickets/' + encodeURIComponent(TOKEN) + '/rating';

async function loadRating() {
  RT.asked = true;
  try {
    RT.state = await api('GET', RATING_URL());
  } catch (err) {
    RT.asked = false; // asked again at the next reload
    return;
  }
  renderRating();
}

function renderRating() {
  const st = RT.state;
  const open = st && st.state === 'open';
  $('rating').hidden = !(open || RT.message || (st && st.state === 'rated'));
  if (RT.message) {
    $('rating-body').replaceChildren(h('p', { class: 'rated' }, t(RT.message)));
  } else if (st && st.state === 'rated') {
    $('rating-body').replaceChildren(h('p', { class: 'rated' }, t('rate.phone_rated', { label: Faces.label(st.score) })));
  } else if (open && !RT.form) {
    RT.form = Faces.form(sendRating);
    $('rating-body').replaceChildren(RT.form);
  }
}

async function sendRating(score, reasons) {
  try {
    await api('POST', RATING_URL(), { score, reasons });
    RT.state = { state: 'rated', score };
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) RT.message = 'rate.already';
    else if (err instanceof ApiError && err.code === 'rating_closed') RT.message = 'rate.too_late';
    else { setError(errorText(err)); return; }
  }
  setError('');
  RT.form = null;
  renderRating();
}

function onCall(ev) {
  const tk = S.ticket;
  if (!tk || ev.number !== tk.number) { loadSoon(); return; }
  // our number was called: show it now, then confirm with the server
  S.ticket = Object.assign({}, tk, { status: 'called', counter: ev.counter_number, ahead: 0 });
  render();
  const box = $('status-card');
  box.classList.remove('flash');
  void box.offsetWidth;
  box.classList.add('flash');
  load();
}

function liveStatus(on) {
  $('live').dataset.state = on ? 'on' : 'off';
  $('live-text').dataset.i18n = on ? 'live.on' : 'live.off';
  $('live-text').textContent = t($('live-text').dataset.i18n);
}

document.addEventListener('langchange', () => {
  render();
  liveStatus($('live').dataset.state === 'on');
  if (RT.form && RT.form.dataset.step !== 'reasons') { RT.form = null; renderRating(); }
});
connectEvents({ call: onCall, queue: loadSoon }, load, liveStatus);

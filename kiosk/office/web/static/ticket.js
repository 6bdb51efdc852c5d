/* Public ticket page (/t/{token}) on the citizen's phone: number, status, position, estimate,
   the counter when called. Live: call events for this number update it at once; other queue
   changes trigger a (throttled) reload of the public ticket. No personal data anywhere. */
'use strict';

const $ = (id) => document.getElementById(id);
const TOKEN = document.body.dataset.token;
const S = { ticket: null, loading: false, again: false, lastLoad: 0, timer: null };

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

document.addEventListener('langchange', () => { render(); liveStatus($('live').dataset.state === 'on'); });
connectEvents({ call: onCall, queue: loadSoon }, load, liveStatus);

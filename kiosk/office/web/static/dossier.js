/* Public dossier page (/d/{public_token}), opened from the receipt's QR on the citizen's phone: procedure,
   status in plain words and what to do next, appointment date, history. Live: a `dossier` event
   for this code (the stream is public and carries no personal data) triggers a refetch, and so
   does the page coming back into view (a phone wakes up with a stale page).
   The public view only: the request is sent without cookies, so even a staff member's browser
   gets no applicant data here. */
'use strict';

const $ = (id) => document.getElementById(id);
const TOKEN = document.body.dataset.token; // the slip's token: the only key the public look-up takes
const S = { dossier: null, loading: false, again: false };

async function fetchPublic() {
  let res;
  try {
    res = await fetch('/api/dossiers/' + encodeURIComponent(TOKEN),
      { credentials: 'omit', headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new ApiError(0, null);
  }
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) throw new ApiError(res.status, data && typeof data === 'object' ? data : null);
  return data;
}

async function load() {
  if (S.loading) { S.again = true; return; }
  S.loading = true;
  try {
    const before = S.dossier && S.dossier.status;
    S.dossier = await fetchPublic();
    setError('');
    render();
    if (before && before !== S.dossier.status) flash();
  } catch (err) {
    setError(err instanceof ApiError && err.status === 404 ? t('dossier.not_found') : errorText(err));
  } finally {
    S.loading = false;
    if (S.again) { S.again = false; load(); }
  }
}

function setError(text) {
  $('error').textContent = text;
  $('error').hidden = !text;
}

function flash() {
  const box = $('state-card');
  box.classList.remove('flash');
  void box.offsetWidth;
  box.classList.add('flash');
}

const pad = (n) => String(n).padStart(2, '0');

/* "2026-12-07" -> "Thứ Hai, 07/12/2026" (the date itself, whatever the phone's time zone). */
function fmtDay(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || '');
  if (!m) return '';
  const weekday = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])).getUTCDay();
  return t('dossier.weekdays').split(',')[weekday] + ', ' + m[3] + '/' + m[2] + '/' + m[1];
}

/* An instant -> "30/11/2026 10:05" in the phone's time (the ward's, for its citizens). */
function fmtWhen(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return '';
  return pad(d.getDate()) + '/' + pad(d.getMonth() + 1) + '/' + d.getFullYear() + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}

function render() {
  const d = S.dossier;
  if (!d) return;
  const en = Lang.get() === 'en';
  $('code').textContent = d.code;
  $('procedure').textContent = en && d.procedure_name_en ? d.procedure_name_en : d.procedure_name_vi;
  $('dossier').dataset.status = d.status;
  $('state-card').dataset.status = d.status;
  document.body.dataset.status = d.status;
  $('status-text').removeAttribute('data-i18n'); // the status, not "loading…", from now on
  $('status-text').textContent = t('dossier.status.' + d.status);
  $('next').textContent = t('dossier.next.' + d.status);
  $('next').hidden = false;

  // the note written for the citizen (never staff's internal note): the documents to bring, or why
  const missing = d.status === 'more_documents' ? (d.missing_documents || []) : [];
  const noted = (d.status === 'more_documents' || d.status === 'rejected') && (d.citizen_note || missing.length);
  $('dnote').hidden = !noted;
  if (noted) {
    $('dnote-label').textContent = t(d.status === 'rejected' ? 'dossier.reason' : 'dossier.documents_needed');
    $('dnote-text').textContent = [...missing, d.citizen_note].filter(Boolean).join('\n');
  }

  // the appointment exists once an officer received the papers (date and hour)
  const open = !['returned', 'rejected', 'cancelled'].includes(d.status) && !!d.appointment_date;
  $('facts').hidden = false;
  $('appointment-row').hidden = !open;
  $('appointment').textContent = fmtDay(d.appointment_date) + (d.appointment_at ? ' ' + d.appointment_at.slice(11, 16) : '');
  $('declared').textContent = fmtWhen(d.declared_at);
  $('received-row').hidden = !d.received_at;
  $('received').textContent = fmtWhen(d.received_at);
  $('official-row').hidden = !d.official_code; // the province's code, once the dossier is there
  $('official-code').textContent = d.official_code || '';

  const history = [...(d.history || [])].reverse(); // newest first
  $('history-card').hidden = !history.length;
  $('history').replaceChildren(...history.map((x) => h('li', { dataset: { status: x.status } },
    h('div', { class: 'when' }, fmtWhen(x.at)),
    h('div', { class: 'what' }, t('dossier.status.' + x.status)),
    x.note ? h('div', { class: 'hnote' }, x.note) : null)));
  document.title = t('dossier.status.' + d.status) + ' · ' + d.code;
}

function onDossier(ev) {
  if (ev && S.dossier && ev.code === S.dossier.code) load(); // events name the code
}

function liveStatus(on) {
  $('live').dataset.state = on ? 'on' : 'off';
  $('live-text').dataset.i18n = on ? 'live.on' : 'live.off';
  $('live-text').textContent = t($('live-text').dataset.i18n);
}

document.addEventListener('langchange', () => { render(); liveStatus($('live').dataset.state === 'on'); });
document.addEventListener('visibilitychange', () => { if (!document.hidden) load(); });
connectEvents({ dossier: onDossier }, load, liveStatus);

/* Reports (/reports, staff): a period (day, week, month, quarter or any range), its figures from
   GET /api/reports/summary, drawn as charts (charts.js) and tables; admins also get the CSV and
   Excel exports. Printable (the form and the top bar are not printed). */
'use strict';

const $ = (id) => document.getElementById(id);
const R = { data: null };

function show(view) {
  for (const v of ['login', 'reports']) $('view-' + v).hidden = v !== view;
  $('who').hidden = view === 'login';
  document.body.dataset.view = view;
}
Staff.show = show;
Staff.bind(start);

function iso(d) {
  const p = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
}

/* The period's first and last day (today's week starts on Monday, as Vietnamese calendars do). */
function span(kind, today) {
  const d = new Date(today.getFullYear(), today.getMonth(), today.getDate());
  if (kind === 'week') d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  if (kind === 'month') d.setDate(1);
  if (kind === 'quarter') { d.setMonth(d.getMonth() - (d.getMonth() % 3)); d.setDate(1); }
  return [iso(d), iso(today)];
}

function setSpan() {
  const kind = $('rep-span').value;
  if (kind === 'custom') return;
  const [from, to] = span(kind, new Date());
  $('rep-from').value = from;
  $('rep-to').value = to;
}

async function start() {
  $('who-name').textContent = Staff.me.full_name || Staff.me.username;
  show('reports');
  const q = new URLSearchParams(location.search);
  if (q.get('from') && q.get('to')) {
    $('rep-span').value = 'custom';
    $('rep-from').value = q.get('from');
    $('rep-to').value = q.get('to');
  } else setSpan();
  await load();
}

async function load() {
  const from = $('rep-from').value;
  const to = $('rep-to').value;
  const query = '?from=' + encodeURIComponent(from) + '&to=' + encodeURIComponent(to);
  Staff.text('rep-error', '');
  try {
    R.data = await Staff.call('GET', '/api/reports/summary' + query);
  } catch (err) {
    if (Staff.me) Staff.text('rep-error', err instanceof ApiError && err.status === 422 ? t('rep.bad_range') : errorText(err));
    $('report').hidden = true;
    return;
  }
  const admin = Staff.me && Staff.me.role === 'admin';
  $('rep-csv').hidden = $('rep-xlsx').hidden = !admin;
  $('rep-csv').href = '/api/reports/export.csv' + query;
  $('rep-xlsx').href = '/api/reports/export.xlsx' + query;
  // the leaders' monthly PDF, for the month of a range within one month
  const month = from.slice(0, 7);
  $('rep-monthly').hidden = !admin || to.slice(0, 7) !== month;
  $('rep-monthly').href = '/api/reports/monthly.pdf?month=' + encodeURIComponent(month);
  history.replaceState(null, '', location.pathname + query);
  render();
}

const minutes = (s) => (s === null || s === undefined ? null : Math.round(s / 6) / 10);
const num = fmtNum;
const pct = (share) => (share === null || share === undefined ? '—' : num(Math.round(share * 1000) / 10) + ' %');
const day = (isoDay) => isoDay.split('-').reverse().join('/');

function scoreLabel(k) {
  return { 4: t('rate.score_4'), 3: t('rate.score_3'), 2: t('rate.score_2'), 1: t('rate.score_1') }[k];
}

function reasonLabel(k) {
  return { waited_long: t('rate.reason.waited_long'), attitude: t('rate.reason.attitude'),
    extra_papers: t('rate.reason.extra_papers'), procedure_unclear: t('rate.reason.procedure_unclear') }[k] || k;
}

function render() {
  const d = R.data;
  if (!d) return;
  $('rep-monthly').textContent = t('repmonthly.link', { month: d.from.slice(0, 7).split('-').reverse().join('/') });
  $('report').hidden = false;
  $('rep-heading').textContent = d.from === d.to ? t('rep.heading_day', { day: day(d.from) })
    : t('rep.heading_range', { from: day(d.from), to: day(d.to) });
  const tk = d.tickets;
  const figures = [
    ['issued', t('rep.issued'), num(tk.issued)], ['served', t('rep.served'), num(tk.served)],
    ['no_show', t('rep.no_show'), num(tk.no_show)],
    ['wait_median', t('rep.wait_median'), num(minutes(tk.waiting_seconds.median))],
    ['wait_p90', t('rep.wait_p90'), num(minutes(tk.waiting_seconds.p90))],
    ['service_median', t('rep.service_median'), num(minutes(tk.service_seconds.median))],
    ['ratings', t('rep.ratings'), num(d.ratings.count)],
    ['satisfied', t('rep.satisfied'), pct(d.ratings.satisfied_share)],
  ];
  $('figures').replaceChildren(...figures.map(([key, label, value]) => h('div', { class: 'figure', dataset: { figure: key } },
    h('div', { class: 'n' }, value), h('div', { class: 'k' }, label))));

  const levels = ['4', '3', '2', '1'];
  Charts.bars($('chart-ratings'), { title: t('rep.chart_ratings'), labels: levels.map(scoreLabel),
    series: [{ name: t('rep.ratings'), values: levels.map((k) => d.ratings.by_score[k]),
      classes: levels.map((k) => 'score' + k) }], format: num }); // the faces' colours
  Charts.bars($('chart-times'), { title: t('rep.chart_times'), labels: d.by_service.map(serviceName),
    series: [{ name: t('rep.waiting'), values: d.by_service.map((x) => minutes(x.waiting_seconds.median)) },
      { name: t('rep.service'), values: d.by_service.map((x) => minutes(x.service_seconds.median)) }],
    format: num, empty: t('rep.empty') });
  Charts.bars($('chart-counters'), { title: t('rep.chart_counters'),
    labels: d.by_counter.map((x) => t('rate.counter', { n: x.counter })),
    series: [{ name: t('rep.served'), values: d.by_counter.map((x) => x.served) }], format: num, empty: t('rep.empty') });
  const reasons = Object.keys(d.ratings.reasons);
  Charts.bars($('chart-reasons'), { title: t('rep.chart_reasons'), labels: reasons.map(reasonLabel),
    series: [{ name: t('rep.ratings'), values: reasons.map((k) => d.ratings.reasons[k]) }], format: num });

  Charts.bars($('chart-hours'), { title: t('rep.chart_hours'),
    labels: d.by_hour.map((x) => String(x.hour).padStart(2, '0') + ':00'),
    series: [{ name: t('rep.issued'), values: d.by_hour.map((x) => x.issued) },
      { name: t('rep.wait_mean'), values: d.by_hour.map((x) => minutes(x.waiting_mean_seconds)) }],
    format: num, empty: t('rep.empty') });

  const ticketHead = [t('rep.issued'), t('rep.served'), t('rep.no_show'), t('rep.wait_median'), t('rep.wait_p90'),
    t('rep.service_median'), t('rep.service_p90')];
  const ticketCells = (x) => [x.issued, x.served, x.no_show, minutes(x.waiting_seconds.median),
    minutes(x.waiting_seconds.p90), minutes(x.service_seconds.median), minutes(x.service_seconds.p90)];
  const ratingHead = [t('rep.ratings'), t('rep.satisfied')];
  const ratingCells = (r) => [r.count, pct(r.satisfied_share)];
  table('tbl-service', [t('rep.field'), ...ticketHead], d.by_service.map((x) => [serviceName(x), ...ticketCells(x)]));
  table('tbl-counter', [t('rep.counter'), ...ticketHead, ...ratingHead],
    d.by_counter.map((x) => [t('rate.counter', { n: x.counter }), ...ticketCells(x), ...ratingCells(x.ratings)]));
  table('tbl-officer', [t('rep.officer'), t('rep.served'), t('rep.no_show'), t('rep.service_median'),
    t('rep.service_p90'), ...ratingHead, ...['4', '3', '2', '1'].map(scoreLabel)],
    d.by_officer.map((x) => [x.full_name || x.officer || '—', x.served, x.no_show, minutes(x.service_seconds.median),
      minutes(x.service_seconds.p90), ...ratingCells(x.ratings), ...['4', '3', '2', '1'].map((k) => x.ratings.by_score[k])]));
  renderDossiers(d);
}

/* Dossiers declared in the period: a few figures, one chart by procedure, a table by procedure and
   one by status (the API's `dossiers` and `by_procedure`). */
function renderDossiers(d) {
  const ds = d.dossiers;
  const figures = [
    ['dos_declared', t('rep.dos_declared'), num(ds.declared)],
    ['dos_received_share', t('rep.dos_received_share'), pct(ds.received_share)],
    ['dos_reached', t('rep.dos_reached'), num(ds.reached_province) + ' / ' + num(ds.received)],
    ['dos_on_time_share', t('rep.dos_on_time_share'), pct(ds.on_time_share)],
    ['dos_kiosk_share', t('rep.dos_kiosk_share'), pct(ds.kiosk_share)],
    ['dos_volunteer_share', t('rep.dos_volunteer_share'), pct(ds.volunteer_share)],
  ];
  $('dossier-figures').replaceChildren(...figures.map(([key, label, value]) => h('div',
    { class: 'figure', dataset: { figure: key } }, h('div', { class: 'n' }, value), h('div', { class: 'k' }, label))));
  const procs = d.by_procedure;
  Charts.bars($('chart-dossiers'), { title: t('rep.chart_dossiers'), labels: procs.map(serviceName),
    series: [{ name: t('rep.dos_declared'), values: procs.map((x) => x.declared) },
      { name: t('rep.dos_received'), values: procs.map((x) => x.received) },
      { name: t('rep.dos_late'), values: procs.map((x) => x.late) }], format: num, empty: t('rep.empty') });
  const cells = (x) => [x.declared, x.received, pct(x.received_share), x.reached_province, x.on_time, x.late,
    x.not_due, pct(x.on_time_share), pct(x.kiosk_share), pct(x.volunteer_share)];
  table('tbl-procedure', [t('rep.dos_procedure'), t('rep.dos_declared'), t('rep.dos_received'),
    t('rep.dos_received_share'), t('rep.dos_reached'), t('rep.dos_on_time'), t('rep.dos_late'), t('rep.dos_not_due'),
    t('rep.dos_on_time_share'), t('rep.dos_kiosk_share'), t('rep.dos_volunteer_share')],
  procs.length ? [...procs.map((x) => [serviceName(x), ...cells(x)]), [t('rep.total'), ...cells(ds)]] : []);
  table('tbl-status', [t('rep.dos_status'), t('rep.dos_count')],
    ds.declared ? Object.entries(ds.by_status).map(([k, n]) => [t('dossier.status.' + k), n]) : []);
}

function serviceName(x) {
  return Lang.get() === 'en' ? x.name_en : x.name_vi;
}

function table(id, head, rows) {
  const cell = (v, i) => h('td', { class: i ? 'n' : '' }, typeof v === 'number' ? num(v) : (v === null ? '—' : v));
  $(id).replaceChildren(
    h('thead', {}, h('tr', {}, head.map((x, i) => h('th', { class: i ? 'n' : '' }, x)))),
    h('tbody', {}, rows.length ? rows.map((r) => h('tr', {}, r.map(cell)))
      : [h('tr', {}, h('td', { colspan: head.length, class: 'empty-note' }, t('rep.empty')))]));
}

$('rep-span').addEventListener('change', setSpan);
['rep-from', 'rep-to'].forEach((id) => $(id).addEventListener('input', () => { $('rep-span').value = 'custom'; }));
$('period-form').addEventListener('submit', (e) => { e.preventDefault(); load(); });
$('rep-print').addEventListener('click', () => window.print());
document.addEventListener('langchange', render);

Staff.resume(start);

/* The counter console's "Hôm nay của tôi" panel: the officer's own figures for today (tickets
   finished or marked absent, service time: mean, median, P90; ratings) and the office's dossiers due today or overdue, from
   GET /api/reports/my-day. counter.js calls MyDay.refresh() after each reload (events, actions);
   reloads in a burst are coalesced into one request. */
'use strict';

const MyDay = {
  data: null,
  pending: null,

  refresh() {
    if (MyDay.pending || !Staff.me) return;
    MyDay.pending = setTimeout(async () => {
      try {
        MyDay.data = await Staff.call('GET', '/api/reports/my-day');
        MyDay.render();
      } catch (err) {
        /* the panel is a convenience: the console's own banner reports a lost connection */
      } finally {
        MyDay.pending = null;
      }
    }, 300);
  },

  render() {
    const d = MyDay.data;
    const box = document.getElementById('my-day');
    if (!d || !box) return;
    const num = fmtNum;
    const mins = (s) => (s === null || s === undefined ? null : Math.round(s / 6) / 10);
    const r = d.ratings;
    const items = [
      ['served', t('myday.served'), num(d.served)],
      ['no_show', t('myday.no_show'), num(d.no_show)],
      ['service_mean', t('myday.service_mean'), num(mins(d.service_mean_seconds))],
      ['service_median', t('myday.service_median'), num(mins(d.service_median_seconds))],
      ['service_p90', t('myday.service_p90'), num(mins(d.service_p90_seconds))],
      ['ratings', t('myday.ratings'), num(r.count)],
      ['satisfied', t('myday.satisfied'), r.satisfied_share === null ? '—' : num(Math.round(r.satisfied_share * 1000) / 10) + ' %'],
      ['due_today', t('myday.due_today'), num(d.dossiers_due_today)],
      ['overdue', t('myday.overdue'), num(d.dossiers_overdue)],
    ];
    box.hidden = false;
    document.getElementById('my-day-figures').replaceChildren(...items.map(([key, label, value]) =>
      h('li', { dataset: { myday: key }, class: key === 'overdue' && d.dossiers_overdue ? 'late' : '' },
        h('span', { class: 'n' }, value), h('span', { class: 'k' }, label))));
  },
};

document.addEventListener('langchange', () => MyDay.render());

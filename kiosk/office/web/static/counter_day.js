/* The counter console's "Hôm nay của tôi" panel: the officer's own figures for today (tickets
   finished, mean service time, ratings) and the office's dossiers due today or overdue, from
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
    const num = (v) => (v === null || v === undefined ? '—' : v.toLocaleString(Lang.get() === 'vi' ? 'vi-VN' : 'en-GB'));
    const mins = d.service_mean_seconds === null ? null : Math.round(d.service_mean_seconds / 6) / 10;
    const r = d.ratings;
    const items = [
      ['served', t('myday.served'), num(d.served)],
      ['service_mean', t('myday.service_mean'), num(mins)],
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

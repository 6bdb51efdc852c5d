/* Staff session shared by /counter and /admin: login form, session expiry, logout. */
'use strict';

const Staff = {
  me: null,
  show: null, // the page's view switcher: show('login') etc.
  onLogout: null,

  /* An API call that sends the user back to the login form when the session has expired. */
  async call(method, path, body) {
    try {
      return await api(method, path, body);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && Staff.me) Staff.expired();
      throw err;
    }
  },

  expired() {
    Staff.me = null;
    if (Staff.onLogout) Staff.onLogout();
    Staff.showLogin(t('err.session'));
  },

  showLogin(notice) {
    Staff.show('login');
    Staff.text('login-notice', notice || '');
    Staff.text('login-error', '');
    const pw = document.getElementById('password');
    const user = document.getElementById('username');
    pw.value = '';
    (user.value ? pw : user).focus();
  },

  text(id, value) {
    const el = document.getElementById(id);
    el.textContent = value || '';
    el.hidden = !value;
  },

  /* Wire the login form and the logout button; afterLogin() runs with Staff.me set. */
  bind(afterLogin) {
    const form = document.getElementById('login-form');
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const username = document.getElementById('username').value.trim();
      const pw = document.getElementById('password');
      if (!username || !pw.value) { Staff.text('login-error', t('login.missing')); return; }
      const button = document.getElementById('login-submit');
      button.disabled = true;
      Staff.text('login-error', '');
      try {
        const res = await api('POST', '/api/auth/login', { username, password: pw.value });
        Staff.me = (res && res.user) || (await api('GET', '/api/me'));
        pw.value = '';
        Staff.text('login-notice', '');
        await afterLogin();
      } catch (err) {
        Staff.text('login-error', errorText(err, 'login'));
        pw.value = '';
        pw.focus();
      } finally {
        button.disabled = false;
      }
    });
    document.getElementById('logout').addEventListener('click', async () => {
      try { await api('POST', '/api/auth/logout'); } catch (e) { /* leaving anyway */ }
      Staff.me = null;
      if (Staff.onLogout) Staff.onLogout();
      Staff.showLogin(t('login.logged_out'));
    });
  },

  /* On page load: resume the session from the cookie, or show the login form. */
  async resume(afterLogin) {
    try {
      Staff.me = await api('GET', '/api/me');
    } catch (err) {
      Staff.showLogin(err instanceof ApiError && err.status === 401 ? '' : errorText(err));
      return;
    }
    await afterLogin();
  },
};

/* Shared helpers of the office pages: translations, JSON API calls, the live event stream.
   No framework, no build: loaded as a plain script after /web/i18n.js. */
'use strict';

const Lang = {
  KEY: 'motcua.lang',
  get() {
    const q = new URLSearchParams(location.search).get('lang');
    if (q === 'vi' || q === 'en') return q;
    return localStorage.getItem(this.KEY) === 'en' ? 'en' : 'vi';
  },
  set(lang) {
    localStorage.setItem(this.KEY, lang);
    const url = new URL(location.href);
    if (url.searchParams.has('lang')) { url.searchParams.delete('lang'); history.replaceState(null, '', url); }
    applyI18n();
    document.dispatchEvent(new CustomEvent('langchange'));
  },
};

/* t('key', {n: 3}) -> the text in the current language, Vietnamese when a key is missing. */
function t(key, vars) {
  const texts = window.I18N || {};
  let s = (texts[Lang.get()] || {})[key];
  if (s === undefined) s = (texts.vi || {})[key];
  if (s === undefined) s = key;
  s = Ward.fill(s);
  if (!vars) return s;
  // "{n:person|people}": the first word when n is 1 (English; Vietnamese nouns do not change)
  s = s.replace(/\{(\w+):([^|{}]*)\|([^{}]*)\}/g, (m, k, one, many) =>
    (vars[k] === undefined || vars[k] === null ? m : (Number(vars[k]) === 1 ? one : many)));
  return s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined && vars[k] !== null ? vars[k] : m));
}

/* The ward's identity (GET /api/ward): /web/i18n.js sets window.WARD; a "ward" event on a live
   page's stream replaces it and relabels the header, so an admin's change shows without a reload. */
const Ward = {
  fill(s) {
    const w = window.WARD || {};
    const values = { ward: w.name, department: w.department, address: w.address, phone: w.phone, hours: w.hours_text };
    return s.replace(/\{(ward|department|address|phone|hours)\}/g, (m, k) => (values[k] ? values[k] : m));
  },
  contact(w) { return [w.address, w.phone ? t('ward.phone_label') + ' ' + w.phone : ''].filter(Boolean).join(' · '); },
  apply(data) {
    if (!data || typeof data !== 'object') return;
    window.WARD = data;
    document.querySelectorAll('[data-ward]').forEach((el) => {
      const k = el.dataset.ward;
      el.textContent = k === 'contact' ? Ward.contact(data) : (data[k] || '');
    });
    applyI18n();
    document.dispatchEvent(new CustomEvent('langchange'));
  },
};

function applyI18n(root) {
  root = root || document;
  const lang = Lang.get();
  document.documentElement.lang = lang;
  root.querySelectorAll('[data-i18n]').forEach((el) => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll('[data-i18n-placeholder]').forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  root.querySelectorAll('[data-i18n-title]').forEach((el) => { el.title = t(el.dataset.i18nTitle); });
  root.querySelectorAll('[data-i18n-label]').forEach((el) => { el.setAttribute('aria-label', t(el.dataset.i18nLabel)); });
  root.querySelectorAll('[data-lang-toggle]').forEach((el) => {
    el.textContent = lang === 'vi' ? 'English' : 'Tiếng Việt';
    el.lang = lang === 'vi' ? 'en' : 'vi';
  });
  if (document.body && document.body.dataset.titleKey) document.title = t(document.body.dataset.titleKey);
}

document.addEventListener('click', (e) => {
  const b = e.target.closest('[data-lang-toggle]');
  if (b) Lang.set(Lang.get() === 'vi' ? 'en' : 'vi');
});

/* Build an element: h('div', {class: 'x', onclick: fn}, 'text', child). Text is never parsed as HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

class ApiError extends Error {
  constructor(status, data) {
    super('HTTP ' + status);
    this.status = status;
    this.data = data || {};
    this.detail = this.data.detail;
    this.code = this.data.code || this.data.error || null;
    this.field = this.data.field || null;
  }
}

/* JSON call to the office API with the session cookie. 204 -> null. Errors -> ApiError
   (status 0 when the server cannot be reached). */
async function api(method, path, body) {
  const opts = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new ApiError(0, null);
  }
  if (res.status === 204) return null;
  let data = null;
  try { data = await res.json(); } catch (e) { data = null; }
  if (!res.ok) throw new ApiError(res.status, data && typeof data === 'object' ? data : null);
  return data;
}

/* The list in an API answer: the API wraps lists ({"tickets": [...]}); accept a bare list too. */
function listOf(res, key) {
  if (Array.isArray(res)) return res;
  return (res && Array.isArray(res[key])) ? res[key] : [];
}

/* A plain sentence for a failed call, in the page's language. */
function errorText(err, context) {
  if (!(err instanceof ApiError)) return t('err.unexpected');
  if (err.status === 0) return t('err.network');
  // a known error code has its own sentence (e.g. err.code.counter_busy)
  if (typeof err.code === 'string' && t('err.code.' + err.code) !== 'err.code.' + err.code) {
    return t('err.code.' + err.code, err.data);
  }
  if (err.status === 401) return t(context === 'login' ? 'err.login' : 'err.session');
  if (err.status === 403) return t('err.forbidden');
  if (err.status === 404) return t('err.not_found');
  if (err.status === 409) return t('err.conflict');
  if (err.status === 429) return t('err.rate_limited');
  if (err.status >= 500) return t('err.server');
  if (err.field) {
    const name = t('field.' + err.field) !== 'field.' + err.field ? t('field.' + err.field) : err.field;
    return t('err.invalid_field', { field: name });
  }
  const d = err.detail;
  let why = '';
  if (typeof d === 'string') why = d;
  else if (Array.isArray(d) && d.length) why = d.map((x) => (x && (x.msg || x.message)) || '').filter(Boolean).join('; ');
  else if (d && typeof d === 'object') why = d.message || d.msg || '';
  return why ? t('err.invalid_with', { why }) : t('err.invalid');
}

/* The live stream /api/events. EventSource reconnects by itself after a dropped connection;
   when the server answered with an error it gives up (CLOSED), so we retry with a backoff.
   onOpen runs on every (re)connection: the page resyncs its snapshot there. Only the kinds the
   page handles are streamed to it. */
function connectEvents(handlers, onOpen, onStatus) {
  let es = null;
  let delay = 1000;
  handlers = Object.assign({ ward: Ward.apply }, handlers); // every live page follows the ward's identity
  const url = '/api/events?kinds=' + encodeURIComponent(Object.keys(handlers).join(','));
  function open() {
    es = new EventSource(url);
    es.onopen = () => {
      delay = 1000;
      if (onStatus) onStatus(true);
      if (onOpen) onOpen();
    };
    es.onerror = () => {
      if (onStatus) onStatus(false);
      if (es.readyState === EventSource.CLOSED) {
        setTimeout(open, delay);
        delay = Math.min(delay * 2, 15000);
      }
    };
    for (const [name, fn] of Object.entries(handlers)) {
      es.addEventListener(name, (ev) => {
        let data = null;
        try { data = JSON.parse(ev.data); } catch (e) { return; }
        fn(data);
      });
    }
  }
  open();
  return { close() { if (es) es.close(); } };
}

/* A number the language's way: thousands 1.250 and decimal comma 7,8 in Vietnamese, 1,250 and 7.8 in
   English; '—' without one (reports, the counter's own figures). */
function fmtNum(v) {
  return v === null || v === undefined ? '—' : v.toLocaleString(Lang.get() === 'vi' ? 'vi-VN' : 'en-GB');
}

function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return '';
  return d.toLocaleTimeString(Lang.get() === 'vi' ? 'vi-VN' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
}

function minutesSince(iso) {
  const d = new Date(iso);
  if (isNaN(d)) return null;
  return Math.max(0, Math.floor((Date.now() - d.getTime()) / 60000));
}

document.addEventListener('DOMContentLoaded', () => applyI18n());

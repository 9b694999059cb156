// api.js - how the console talks to coffer: the session API (JSON), AWS's IAM and
// STS Query APIs (form in, XML out) and the S3 REST API, all under /api/ with the
// session cookie. Every answer that is not a success becomes an ApiError with
// AWS's code and message, so pages show exactly what the API would have said.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

// The signed-in session: principal, CSRF token and whether a reset is due.
// The CSRF token lives only in this module's memory, never in the DOM.
let session = null;
const listeners = new Set();

export function currentSession() {
  return session;
}

export function onSessionChange(f) {
  listeners.add(f);
}

function setSession(s) {
  session = s;
  for (const f of listeners) f(s);
}

function headersFor(method, extra = {}) {
  const hdrs = {...extra};
  if (method !== 'GET' && method !== 'HEAD' && session && session.csrf) hdrs['X-CSRF-Token'] = session.csrf;
  return hdrs;
}

// 401 NotSignedIn and 403 PasswordResetRequired move the app to the right page.
function sessionTrouble(err) {
  if (err.code === 'NotSignedIn' && session) {
    setSession(null);
    window.dispatchEvent(new CustomEvent('coffer:signed-out'));
  } else if (err.code === 'PasswordResetRequired' && session) {
    session.passwordResetRequired = true;
    window.dispatchEvent(new CustomEvent('coffer:password-reset'));
  }
}

async function errorFrom(res) {
  const type = res.headers.get('Content-Type') || '';
  const body = await res.text();
  let err;
  if (type.includes('json')) {
    try {
      const j = JSON.parse(body);
      err = new ApiError(res.status, j.error.code, j.error.message);
    } catch { /* fall through to the generic error */ }
  } else if (body.trim().startsWith('<')) {
    const doc = new DOMParser().parseFromString(body, 'application/xml');
    const code = first(doc, 'Code');
    if (code) err = new ApiError(res.status, code.textContent, text(doc, 'Message'));
  }
  if (!err) err = new ApiError(res.status, `HTTP${res.status}`, res.statusText || 'Request failed');
  sessionTrouble(err);
  return err;
}

async function json(method, path, body) {
  const res = await fetch(path, {
    method, credentials: 'same-origin',
    headers: headersFor(method, body ? {'Content-Type': 'application/json'} : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw await errorFrom(res);
  return res.status === 204 ? null : res.json();
}

// --- session API ---

export async function loadSession() {
  try {
    setSession(await json('GET', '/api/session'));
  } catch (e) {
    if (e.status !== 401) throw e;
    setSession(null);
  }
  return session;
}

export async function signIn(form) {
  setSession(await json('POST', '/api/signin', form));
  return session;
}

export async function signOut() {
  try {
    await json('POST', '/api/signout');
  } finally {
    setSession(null);
  }
}

export async function changePassword(oldPw, newPw) {
  await json('POST', '/api/change-password', {old: oldPw, new: newPw});
  if (session) session.passwordResetRequired = false;
  setSession(session);
}

let infoCache = null;
export async function info() {
  if (!infoCache) infoCache = await json('GET', '/api/info');
  return infoCache;
}

export function events(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  return json('GET', '/api/events?' + q.toString());
}

// --- XML helpers (IAM's answers carry a default namespace, so match by local name) ---

export function kids(el, name) {
  return el ? Array.from(el.children).filter((c) => c.localName === name) : [];
}

export function first(el, name) {
  if (!el) return null;
  const all = el.getElementsByTagNameNS('*', name);
  return all.length ? all[0] : null;
}

export function text(el, name) {
  const e = first(el, name);
  return e ? e.textContent : '';
}

// <Users><member>…</member></Users> -> [{UserName: …, …}, …] (one level deep).
export function members(el, listName) {
  const list = first(el, listName);
  return kids(list, 'member').map(obj);
}

export function obj(el) {
  const o = {};
  for (const c of el.children) o[c.localName] = c.children.length ? c : c.textContent;
  return o;
}

// --- IAM and STS Query API ---

const VERSIONS = {iam: '2010-05-08', sts: '2011-06-15'};

// Lists: {'PolicyArns': [a, b]} -> PolicyArns.member.1=a&PolicyArns.member.2=b.
function form(service, action, params) {
  const f = new URLSearchParams({Action: action, Version: VERSIONS[service]});
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) v.forEach((x, i) => f.set(`${k}.member.${i + 1}`, x));
    else f.set(k, String(v));
  }
  return f;
}

async function query(service, action, params) {
  const res = await fetch(`/api/${service}`, {
    method: 'POST', credentials: 'same-origin',
    headers: headersFor('POST', {'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8'}),
    body: form(service, action, params).toString(),
  });
  if (!res.ok) throw await errorFrom(res);
  return new DOMParser().parseFromString(await res.text(), 'application/xml');
}

export function iam(action, params) {
  return query('iam', action, params);
}

export function sts(action, params) {
  return query('sts', action, params);
}

// Follows Marker/IsTruncated until every member of `listName` is read.
export async function iamAll(action, params, listName) {
  const out = [];
  let marker;
  for (let page = 0; page < 100; page += 1) {
    const doc = await iam(action, {...params, Marker: marker});
    out.push(...members(doc, listName));
    if (text(doc, 'IsTruncated') !== 'true') break;
    marker = text(doc, 'Marker');
  }
  return out;
}

// --- S3 REST API, path-style under /api/s3/ ---

export function s3Path(bucket, key) {
  let p = '/api/s3/';
  if (bucket) p += encodeURIComponent(bucket);
  if (key !== undefined && key !== null) p += '/' + key.split('/').map(encodeURIComponent).join('/');
  return p;
}

export async function s3(method, bucket, key, {query: q, headers, body} = {}) {
  const qs = q ? '?' + new URLSearchParams(q).toString() : '';
  const res = await fetch(s3Path(bucket, key) + qs, {
    method, credentials: 'same-origin', headers: headersFor(method, headers), body,
  });
  if (!res.ok) {
    if (method === 'HEAD') throw new ApiError(res.status, res.status === 404 ? 'NotFound' : `HTTP${res.status}`,
      res.status === 404 ? 'Not Found' : res.statusText);
    throw await errorFrom(res);
  }
  return res;
}

export async function s3Xml(method, bucket, key, opts) {
  const res = await s3(method, bucket, key, opts);
  const t = await res.text();
  return t ? new DOMParser().parseFromString(t, 'application/xml') : null;
}

// A PUT through XMLHttpRequest, because fetch has no upload progress.
export function s3Upload(bucket, key, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', s3Path(bucket, key));
    const hdrs = headersFor('PUT', {'Content-Type': file.type || 'application/octet-stream'});
    for (const [k, v] of Object.entries(hdrs)) xhr.setRequestHeader(k, v);
    xhr.upload.addEventListener('progress', (ev) => {
      if (ev.lengthComputable) onProgress(ev.loaded, ev.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) { onProgress(file.size, file.size); resolve(); return; }
      const doc = new DOMParser().parseFromString(xhr.responseText || '<x/>', 'application/xml');
      const code = text(doc, 'Code');
      const err = new ApiError(xhr.status, code || `HTTP${xhr.status}`, text(doc, 'Message') || xhr.statusText);
      if (!code && (xhr.getResponseHeader('Content-Type') || '').includes('json')) {
        try {
          const j = JSON.parse(xhr.responseText);
          err.code = j.error.code; err.message = j.error.message;
        } catch { /* keep the generic error */ }
      }
      sessionTrouble(err);
      reject(err);
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'NetworkError', 'The upload was interrupted.')));
    xhr.send(file);
  });
}

// A GET link that makes the browser save the object (no body passes through JS).
export function downloadHref(bucket, key) {
  const name = key.split('/').pop() || 'download';
  const cd = `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
  return s3Path(bucket, key) + '?' + new URLSearchParams({'response-content-disposition': cd}).toString();
}

// Runs `f` over items with at most `n` calls in flight; results keep order.
export async function mapLimit(items, n, f) {
  const out = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next;
      next += 1;
      out[i] = await f(items[i], i);
    }
  }
  await Promise.all(Array.from({length: Math.min(n, items.length)}, worker));
  return out;
}

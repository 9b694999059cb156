// ui.js - the building blocks every page shares: an element builder, the error
// banner, modal dialogs, tables with empty states, tabs and value formatting.
// No page logic here; nothing in this file talks to the server.

// h('button#save.primary', {onclick: f, type: 'button'}, 'Save') -> <button id="save" class="primary">.
// Children may be strings, nodes, arrays or null; strings always become text,
// never markup, so values from the server cannot inject HTML.
export function h(tag, attrs, ...children) {
  const [, name, rest] = /^([a-z0-9]*)(.*)$/.exec(tag);
  const el = document.createElement(name || 'div');
  const classes = [];
  for (const [, kind, value] of rest.matchAll(/([#.])([^#.]+)/g)) {
    if (kind === '#') el.id = value;
    else classes.push(value);
  }
  if (classes.length) el.className = classes.join(' ');
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = null;
  }
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className += (el.className ? ' ' : '') + v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

let idSeq = 0;
export function uid(prefix = 'f') {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}

// A labelled form field: the label is tied to the control for screen readers.
export function field(label, control, hint) {
  if (!control.id) control.id = uid('field');
  const hintEl = hint ? h('p.hint', {id: control.id + '-hint'}, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div.field', h('label', {for: control.id}, label), control, hintEl);
}

// The page-level message area: AWS errors read "Code: message".
export function banner(target, kind, text) {
  const el = h(`div.banner.${kind}`, {role: kind === 'error' ? 'alert' : 'status'},
    h('span.banner-text', text),
    h('button.icon', {type: 'button', 'aria-label': 'Dismiss', onclick: () => el.remove()}, '×'));
  target.prepend(el);
  return el;
}

export function errorText(err) {
  if (err && err.code) return `${err.code}: ${err.message || ''}`.trim();
  return String(err && err.message ? err.message : err);
}

// Shows an error in the nearest banner area of `where` (a page or a dialog).
export function showError(where, err) {
  const area = (where && where.querySelector('.messages')) || document.querySelector('#messages');
  area.replaceChildren();
  banner(area, 'error', errorText(err));
  area.scrollIntoView({block: 'nearest'});
}

export function showOk(where, text) {
  const area = (where && where.querySelector('.messages')) || document.querySelector('#messages');
  area.replaceChildren();
  banner(area, 'success', text);
}

export function clearMessages(where) {
  const area = (where && where.querySelector('.messages')) || document.querySelector('#messages');
  if (area) area.replaceChildren();
}

// A modal <dialog>. onClose runs however it closes (button, Escape), and the
// dialog element is removed so nothing it showed stays in the page.
export function dialog(title, body, {actions = [], onClose, wide} = {}) {
  const titleId = uid('dlg');
  const dlg = h('dialog.modal' + (wide ? '.wide' : ''), {'aria-labelledby': titleId},
    h('header', h('h2', {id: titleId}, title),
      h('button.icon', {type: 'button', 'aria-label': 'Close', onclick: () => dlg.close()}, '×')),
    h('div.messages', {'aria-live': 'polite'}),
    h('div.dialog-body', body),
    actions.length ? h('footer', actions) : null);
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (onClose) onClose();
  });
  document.body.append(dlg);
  dlg.showModal();
  return dlg;
}

// Asks before a destructive action; resolves true only on the confirm button.
// `confirmWord`, when given, must be typed (AWS asks this for deletions).
export function confirmDialog(title, message, {confirmLabel = 'Delete', confirmWord, danger = true} = {}) {
  return new Promise((resolve) => {
    let ok = false;
    const input = confirmWord ? h('input', {type: 'text', autocomplete: 'off'}) : null;
    const go = h('button' + (danger ? '.danger' : '.primary'), {type: 'button', disabled: !!confirmWord,
      onclick: () => { ok = true; dlg.close(); }}, confirmLabel);
    if (input) input.addEventListener('input', () => { go.disabled = input.value !== confirmWord; });
    const dlg = dialog(title, [
      h('p', message),
      input ? field(`To confirm, type "${confirmWord}"`, input) : null,
    ], {
      actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), go],
      onClose: () => resolve(ok),
    });
    (input || go).focus();
  });
}

// A table with a caption, header and rows; `empty` is shown when rows is empty.
export function table(columns, rows, {empty = 'Nothing here yet.', caption} = {}) {
  if (!rows.length) return h('div.empty', h('p', empty));
  return h('div.table-wrap', h('table',
    caption ? h('caption.sr-only', caption) : null,
    h('thead', h('tr', columns.map((c) => h('th', {scope: 'col'}, c)))),
    h('tbody', rows.map((r) => h('tr', r.map((cell) => h('td', cell)))))));
}

// Tabs as in the WAI-ARIA pattern: arrow keys move between tabs.
export function tabs(items, selected, onSelect) {
  const list = h('div.tabs', {role: 'tablist'});
  const buttons = items.map(([key, label]) => h('button', {
    type: 'button', role: 'tab', id: `tab-${key}`, 'aria-selected': key === selected ? 'true' : 'false',
    tabindex: key === selected ? '0' : '-1', onclick: () => onSelect(key),
  }, label));
  list.addEventListener('keydown', (ev) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    let j = null;
    if (ev.key === 'ArrowRight') j = (i + 1) % buttons.length;
    if (ev.key === 'ArrowLeft') j = (i - 1 + buttons.length) % buttons.length;
    if (j !== null) { buttons[j].focus(); ev.preventDefault(); }
  });
  list.append(...buttons);
  return list;
}

export function link(href, text, attrs = {}) {
  return h('a', {href, ...attrs}, text);
}

export function loading(text = 'Loading…') {
  return h('p.loading', {role: 'status'}, text);
}

// A page skeleton: breadcrumb, title with actions on the right, messages, body.
export function page(title, {crumbs = [], actions = [], intro} = {}, ...body) {
  return h('section.page',
    crumbs.length ? h('nav.crumbs', {'aria-label': 'Breadcrumb'},
      h('ol', crumbs.map(([href, text]) => h('li', href ? link(href, text) : h('span', {'aria-current': 'page'}, text))))) : null,
    h('div.page-head', h('h1', {tabindex: '-1'}, title), actions.length ? h('div.actions', actions) : null),
    intro ? h('p.intro', intro) : null,
    h('div.messages', {'aria-live': 'polite'}),
    body);
}

export function badge(text, kind = '') {
  return h('span.badge' + (kind ? '.' + kind : ''), text);
}

// --- formatting ---

export function fmtDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
}

export function daysSince(iso) {
  if (!iso) return null;
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return null;
  return Math.floor((Date.now() - t) / 86400000);
}

export function fmtAge(iso) {
  const d = daysSince(iso);
  if (d === null) return '—';
  if (d === 0) return 'Today';
  return d === 1 ? '1 day' : `${d} days`;
}

export function fmtAgo(iso) {
  const d = daysSince(iso);
  if (d === null) return 'Never';
  if (d === 0) return 'Today';
  return d === 1 ? 'Yesterday' : `${d} days ago`;
}

export function fmtSize(n) {
  n = Number(n);
  if (!Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i += 1; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

// Copies text; falls back to selecting it when the clipboard is not available.
export async function copyText(text, button) {
  const old = button.textContent;
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed: select and copy';
  }
  setTimeout(() => { if (button.isConnected) button.textContent = old; }, 1500);
}

// --- changes and the message that survives the re-render after them ---

export function setFlash(kind, text) {
  sessionStorage.setItem('coffer.flash', JSON.stringify({kind, text}));
}

export function showFlash(view) {
  const f = sessionStorage.getItem('coffer.flash');
  if (!f) return;
  sessionStorage.removeItem('coffer.flash');
  const {kind, text} = JSON.parse(f);
  if (kind === 'error') showError(view, {message: text});
  else showOk(view, text);
}

export function rerender() {
  window.dispatchEvent(new CustomEvent('coffer:rerender'));
}

// Runs a change, shows its error in `view`, and re-renders the page on success.
export async function act(view, f, okText) {
  try {
    await f();
    if (okText) setFlash('success', okText);
    rerender();
  } catch (e) {
    showError(view, e);
  }
}

// page-buckets.js - S3 through the console: the bucket list (create, delete),
// one bucket browsed by prefix as folders (multi-file upload with progress,
// download, delete, create folder) and one object's details.
import {s3, s3Xml, s3Upload, downloadHref, kids, first, text} from './api.js';
import {h, page, field, table, link, badge, dialog, confirmDialog, showError, showOk, clearMessages, act, setFlash, fmtDate, fmtSize} from './ui.js';
import {navigate} from './nav.js';

const bucketHref = (b, prefix = '') => `#/s3/${encodeURIComponent(b)}${prefix ? '?prefix=' + encodeURIComponent(prefix) : ''}`;
const objectHref = (b, key) => `#/s3/${encodeURIComponent(b)}/object?key=${encodeURIComponent(key)}`;

export async function bucketsPage() {
  const doc = await s3Xml('GET', null, null);
  const buckets = kids(first(doc, 'Buckets'), 'Bucket').map((b) => ({name: text(b, 'Name'), created: text(b, 'CreationDate')}));
  const view = page(`Buckets (${buckets.length})`, {
    crumbs: [['#/', 'Console'], [null, 'Buckets']],
    actions: [h('button.primary#create-bucket', {type: 'button', onclick: () => createBucket()}, 'Create bucket')],
    intro: 'Buckets hold objects. Names are global to this server: 3 to 63 lower-case letters, digits, dots and hyphens.',
  }, table(['Name', 'Created', ''], buckets.map((b) => [link(bucketHref(b.name), b.name), fmtDate(b.created),
    h('button.small.danger', {type: 'button', onclick: () => deleteBucket(view, b.name)}, 'Delete')]),
  {caption: 'Buckets', empty: 'No buckets yet. Create one to start storing objects.'}));
  return view;
}

function createBucket() {
  const name = h('input', {name: 'bucket', maxlength: '63', autocomplete: 'off', spellcheck: 'false'});
  const go = h('button.primary', {type: 'button'}, 'Create bucket');
  const dlg = dialog('Create bucket', field('Bucket name', name, 'Lower-case letters, digits, dots and hyphens; 3 to 63 characters.'),
    {actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), go]});
  const submit = async () => {
    try {
      await s3('PUT', name.value.trim(), null);
      dlg.close();
      setFlash('success', `Bucket ${name.value.trim()} created.`);
      navigate(bucketHref(name.value.trim()));
    } catch (e) { showError(dlg, e); }
  };
  go.addEventListener('click', submit);
  name.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); submit(); } });
  name.focus();
}

async function deleteBucket(view, name) {
  if (!await confirmDialog(`Delete bucket ${name}?`, 'Only an empty bucket can be deleted. This cannot be undone.', {confirmWord: name})) return;
  act(view, () => s3('DELETE', name, null), `Bucket ${name} deleted.`);
}

function crumbsFor(bucket, prefix) {
  const parts = prefix.split('/').filter(Boolean);
  const crumbs = [['#/', 'Console'], ['#/s3', 'Buckets'], [parts.length ? bucketHref(bucket) : null, bucket]];
  parts.forEach((p, i) => crumbs.push([i < parts.length - 1 ? bucketHref(bucket, parts.slice(0, i + 1).join('/') + '/') : null, p]));
  return crumbs;
}

export async function bucketPage({args: [bucket], query}) {
  const prefix = query.get('prefix') || '';
  const fileInput = h('input#upload-input.visually-hidden', {type: 'file', multiple: true, 'aria-label': 'Choose files to upload'});
  const uploadBtn = h('button.primary#upload', {type: 'button', onclick: () => fileInput.click()}, 'Upload');
  const folderBtn = h('button', {type: 'button', onclick: () => createFolder(bucket, prefix)}, 'Create folder');
  const delBtn = h('button.danger', {type: 'button', disabled: true}, 'Delete');
  const uploads = h('div.uploads', {'aria-live': 'polite'});
  const tbody = h('tbody');
  const more = h('button', {type: 'button', hidden: true}, 'Load more');
  const empty = h('div.empty', {hidden: true}, h('p', prefix ? 'This folder is empty.' : 'This bucket is empty. Upload files to get started.'));
  const tbl = h('div.table-wrap', h('table', h('caption.sr-only', 'Objects'),
    h('thead', h('tr', h('th', {scope: 'col'}, h('span.sr-only', 'Select')), ['Name', 'Type', 'Size', 'Last modified', ''].map((c) => h('th', {scope: 'col'}, c)))), tbody));
  const view = page(prefix ? prefix.split('/').filter(Boolean).pop() + '/' : bucket, {crumbs: crumbsFor(bucket, prefix),
    actions: [uploadBtn, fileInput, folderBtn, delBtn]}, uploads, tbl, empty, more);
  const selected = new Set();
  let token = null;

  function row(kind, name, key, size, modified) {
    const box = h('input', {type: 'checkbox', 'aria-label': `Select ${name}`, onchange: (ev) => {
      if (ev.target.checked) selected.add(key); else selected.delete(key);
      delBtn.disabled = selected.size === 0;
    }});
    return h('tr',
      h('td', kind === 'folder' ? '' : box),
      h('td', kind === 'folder' ? link(bucketHref(bucket, key), name, {class: 'folder'}) : link(objectHref(bucket, key), name)),
      h('td', kind === 'folder' ? 'Folder' : (name.includes('.') ? name.split('.').pop() : '—')),
      h('td', kind === 'folder' ? '—' : fmtSize(size)),
      h('td', kind === 'folder' ? '—' : fmtDate(modified)),
      h('td', kind === 'folder' ? '' : h('a.button.small', {href: downloadHref(bucket, key), download: name}, 'Download')));
  }

  async function load(append) {
    const q = {'list-type': '2', delimiter: '/', 'max-keys': '200'};
    if (prefix) q.prefix = prefix;
    if (append && token) q['continuation-token'] = token;
    const doc = await s3Xml('GET', bucket, null, {query: q});
    if (!append) tbody.replaceChildren();
    for (const cp of kids(doc.documentElement, 'CommonPrefixes')) {
      const p = text(cp, 'Prefix');
      tbody.append(row('folder', p.slice(prefix.length), p));
    }
    for (const c of kids(doc.documentElement, 'Contents')) {
      const key = text(c, 'Key');
      if (key === prefix) continue; // the folder marker itself
      tbody.append(row('object', key.slice(prefix.length), key, text(c, 'Size'), text(c, 'LastModified')));
    }
    token = text(doc, 'IsTruncated') === 'true' ? text(doc, 'NextContinuationToken') : null;
    more.hidden = !token;
    empty.hidden = tbody.children.length > 0;
    tbl.hidden = !empty.hidden;
  }
  more.addEventListener('click', () => load(true).catch((e) => showError(view, e)));

  fileInput.addEventListener('change', async () => {
    const files = Array.from(fileInput.files);
    fileInput.value = '';
    clearMessages(view);
    let failed = 0;
    const bars = files.map((f) => {
      const bar = h('progress', {max: String(f.size || 1), value: '0', 'aria-label': `Upload of ${f.name}`});
      const state = h('span.state', 'Waiting');
      uploads.append(h('div.upload', h('span.name', f.name), bar, state));
      return {bar, state};
    });
    for (const [i, f] of files.entries()) {
      const {bar, state} = bars[i];
      state.textContent = 'Uploading';
      try {
        await s3Upload(bucket, prefix + f.name, f, (done, total) => {
          bar.max = total || 1;
          bar.value = done;
          state.textContent = total ? `${Math.round((100 * done) / total)} %` : 'Uploading';
        });
        bar.value = bar.max;
        state.replaceChildren(badge('Done', 'ok'));
      } catch (e) {
        failed += 1;
        state.replaceChildren(badge(`${e.code}: ${e.message}`, 'bad'));
      }
    }
    if (failed) showError(view, {code: 'UploadFailed', message: `${failed} of ${files.length} file(s) could not be uploaded; see the list above.`});
    else showOk(view, `${files.length} file(s) uploaded.`);
    try { await load(false); } catch (e) { showError(view, e); }
  });

  delBtn.addEventListener('click', async () => {
    const keys = [...selected];
    if (!await confirmDialog(`Delete ${keys.length} object(s)?`, `Delete ${keys.length === 1 ? keys[0] : keys.length + ' objects'} from ${bucket}? This cannot be undone.`)) return;
    act(view, async () => { for (const k of keys) await s3('DELETE', bucket, k); }, `${keys.length} object(s) deleted.`);
  });

  try {
    await load(false);
  } catch (e) {
    showError(view, e);
  }
  return view;
}

function createFolder(bucket, prefix) {
  const name = h('input', {name: 'folder', autocomplete: 'off'});
  const go = h('button.primary', {type: 'button'}, 'Create folder');
  const dlg = dialog('Create folder', field('Folder name', name, 'A folder is an empty object whose key ends with "/".'),
    {actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), go]});
  go.addEventListener('click', async () => {
    const n = name.value.trim().replace(/\/+$/, '');
    if (!n) return;
    try {
      await s3('PUT', bucket, `${prefix}${n}/`, {body: ''});
      dlg.close();
      navigate(bucketHref(bucket, `${prefix}${n}/`));
    } catch (e) { showError(dlg, e); }
  });
  name.focus();
}

export async function objectPage({args: [bucket], query}) {
  const key = query.get('key') || '';
  const res = await s3('HEAD', bucket, key);
  const hd = res.headers;
  const meta = [];
  hd.forEach((v, k) => { if (k.startsWith('x-amz-meta-')) meta.push([k.slice(11), v]); });
  const checksums = [];
  hd.forEach((v, k) => { if (k.startsWith('x-amz-checksum-')) checksums.push([k.slice(15).toUpperCase(), v]); });
  const folder = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
  const name = key.slice(folder.length);
  const del = h('button.danger', {type: 'button'}, 'Delete');
  const view = page(name, {crumbs: [...crumbsFor(bucket, folder).map(([href, t], i, all) => (i === all.length - 1 && !href ? [folder ? bucketHref(bucket, folder) : bucketHref(bucket), t] : [href, t])), [null, name]],
    actions: [h('a.button.primary', {href: downloadHref(bucket, key), download: name}, 'Download'), del]},
  h('section.card', h('h2', 'Object overview'), h('dl.facts',
    h('dt', 'Key'), h('dd', h('code', key)),
    h('dt', 'Size'), h('dd', `${fmtSize(hd.get('content-length'))} (${hd.get('content-length')} bytes)`),
    h('dt', 'ETag'), h('dd', h('code', hd.get('etag') || '—')),
    h('dt', 'Content type'), h('dd', hd.get('content-type') || '—'),
    h('dt', 'Last modified'), h('dd', fmtDate(hd.get('last-modified'))),
    h('dt', 'S3 URI'), h('dd', h('code', `s3://${bucket}/${key}`)),
    checksums.map(([k, v]) => [h('dt', `Checksum ${k}`), h('dd', h('code', v))]))),
  h('section.card', h('h2', 'Metadata'), table(['Key', 'Value'], meta.map(([k, v]) => [h('code', `x-amz-meta-${k}`), v]), {empty: 'No user-defined metadata.'})));
  del.addEventListener('click', async () => {
    if (!await confirmDialog(`Delete ${name}?`, `Delete s3://${bucket}/${key}? This cannot be undone.`)) return;
    try {
      await s3('DELETE', bucket, key);
      setFlash('success', `${name} deleted.`);
      navigate(bucketHref(bucket, folder));
    } catch (e) { showError(view, e); }
  });
  return view;
}

// page-report.js - the credential report: GenerateCredentialReport, then
// GetCredentialReport's base64 CSV as a table where old and unused access
// keys and passwords are flagged.
import {iam, text} from './api.js';
import {h, page, table, badge, showError, fmtDate, daysSince} from './ui.js';

const OLD_DAYS = 90;

// The report's CSV has no quoted fields today, but quoting is handled anyway.
export function parseCsv(csv) {
  const rows = [];
  for (const line of csv.split(/\r?\n/)) {
    if (!line) continue;
    const cells = [];
    let cur = '';
    let quoted = false;
    for (let i = 0; i < line.length; i += 1) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') { cur += '"'; i += 1; } else if (c === '"') quoted = false; else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') { cells.push(cur); cur = ''; } else cur += c;
    }
    cells.push(cur);
    rows.push(cells);
  }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((k, i) => [k, r[i] ?? ''])));
}

const isDate = (v) => /^\d{4}-\d\d-\d\dT/.test(v || '');

function keyCell(r, n) {
  const active = r[`access_key_${n}_active`] === 'true';
  const rotated = r[`access_key_${n}_last_rotated`];
  const used = r[`access_key_${n}_last_used_date`];
  if (!isDate(rotated)) return '—';
  const flags = [];
  if (active && daysSince(rotated) > OLD_DAYS) flags.push(badge(`Older than ${OLD_DAYS} days`, 'warn'));
  if (active && !isDate(used)) flags.push(badge('Never used', 'warn'));
  else if (active && daysSince(used) > OLD_DAYS) flags.push(badge(`Unused for ${OLD_DAYS}+ days`, 'warn'));
  return h('div.keycell', h('span', active ? 'Active' : 'Inactive', ', created ', fmtDate(rotated)),
    h('span.hint', 'Last used: ', isDate(used) ? `${fmtDate(used)} (${r[`access_key_${n}_last_used_service`]})` : 'never'), flags);
}

export async function reportPage() {
  const holder = h('div');
  const regen = h('button', {type: 'button'}, 'Generate a new report');
  const download = h('a.button', {hidden: true}, 'Download report (.csv)');
  const view = page('Credential report', {
    crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], [null, 'Credential report']],
    actions: [regen, download],
    intro: `Every user's password and access keys with their age and last use. Keys older than ${OLD_DAYS} days or never used are flagged.`,
  }, holder);

  async function load() {
    regen.disabled = true;
    holder.replaceChildren(h('p.loading', {role: 'status'}, 'Generating the report…'));
    try {
      for (let i = 0; i < 20; i += 1) {
        const g = await iam('GenerateCredentialReport');
        if (text(g, 'State') === 'COMPLETE') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const d = await iam('GetCredentialReport');
      const bytes = Uint8Array.from(atob(text(d, 'Content')), (c) => c.charCodeAt(0));
      const csv = new TextDecoder().decode(bytes);
      if (download.href) URL.revokeObjectURL(download.href);
      download.href = URL.createObjectURL(new Blob([csv], {type: 'text/csv'}));
      download.download = 'credential-report.csv';
      download.hidden = false;
      const rows = parseCsv(csv);
      holder.replaceChildren(h('p.hint', `Generated ${fmtDate(text(d, 'GeneratedTime'))}.`),
        table(['User', 'Created', 'Password', 'Password last used', 'Access key 1', 'Access key 2'], rows.map((r) => [
          r.user, fmtDate(isDate(r.user_creation_time) ? r.user_creation_time : ''),
          r.password_enabled === 'true' ? 'Enabled' : (r.password_enabled === 'not_supported' ? 'Root password' : 'None'),
          isDate(r.password_last_used) ? fmtDate(r.password_last_used) : (r.password_last_used === 'no_information' ? 'Never' : '—'),
          keyCell(r, 1), keyCell(r, 2)]), {caption: 'Credential report', empty: 'The report is empty.'}));
    } catch (e) {
      holder.replaceChildren();
      showError(view, e);
    }
    regen.disabled = false;
  }
  regen.addEventListener('click', load);
  load();
  return view;
}

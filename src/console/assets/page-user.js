// page-user.js - one IAM user: summary, and the Permissions, Groups, Tags and
// Security credentials tabs (console password, access keys with their last use,
// make inactive / activate / delete, and Create access key).
import {iam, iamAll, members, text, first, ApiError} from './api.js';
import {h, page, field, table, tabs, badge, dialog, confirmDialog, showError, act, rerender, fmtDate, fmtAge, fmtAgo, daysSince, link} from './ui.js';
import {policyEditor} from './policy-editor.js';
import {createAccessKeyDialog} from './access-key.js';
import {KEY_AGE_WARN_DAYS} from './page-users.js';
import {attachPicker} from './page-groups.js';
import {navigate} from './nav.js';

export async function userPage({args: [name], query, session}) {
  const doc = await iam('GetUser', {UserName: name});
  const u = first(doc, 'User');
  const arn = text(u, 'Arn');
  const tab = query.get('tab') || 'permissions';
  const panel = h('div.tabpanel', {role: 'tabpanel', 'aria-labelledby': `tab-${tab}`});
  const del = h('button.danger', {type: 'button'}, 'Delete user');
  const view = page(name, {
    crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], ['#/iam/users', 'Users'], [null, name]],
    actions: [del],
  },
  h('section.card.summary', h('h2', 'Summary'), h('dl.facts',
    h('dt', 'ARN'), h('dd', h('code', arn)),
    h('dt', 'Created'), h('dd', fmtDate(text(u, 'CreateDate'))),
    h('dt', 'Console last sign-in'), h('dd', fmtAgo(text(u, 'PasswordLastUsed'))),
    h('dt', 'User ID'), h('dd', h('code', text(u, 'UserId'))))),
  tabs([['permissions', 'Permissions'], ['groups', 'Groups'], ['tags', 'Tags'], ['credentials', 'Security credentials']], tab,
    (k) => navigate(`#/iam/users/${encodeURIComponent(name)}?tab=${k}`)),
  panel);
  del.addEventListener('click', () => deleteUser(view, name));
  const render = {permissions: permissionsTab, groups: groupsTab, tags: tagsTab, credentials: credentialsTab}[tab] || permissionsTab;
  try {
    await render(view, panel, name, {query, session});
  } catch (e) {
    showError(view, e);
  }
  return view;
}

async function permissionsTab(view, panel, name) {
  const [attached, inline] = await Promise.all([
    iamAll('ListAttachedUserPolicies', {UserName: name}, 'AttachedPolicies'),
    iam('ListUserPolicies', {UserName: name}).then((d) => Array.from(first(d, 'PolicyNames')?.children || []).map((m) => m.textContent)),
  ]);
  const rows = [
    ...attached.map((p) => [link(`#/iam/policies/${encodeURIComponent(p.PolicyArn)}`, p.PolicyName),
      p.PolicyArn.startsWith('arn:aws:iam::aws:') ? 'AWS managed' : 'Customer managed', 'Attached directly',
      h('button.small', {type: 'button', onclick: () => act(view, () => iam('DetachUserPolicy', {UserName: name, PolicyArn: p.PolicyArn}), `Detached ${p.PolicyName}.`)}, 'Detach')]),
    ...inline.map((n) => [h('button.link', {type: 'button', onclick: () => inlineDialog(view, name, n)}, n), 'Customer inline', 'Inline',
      h('button.small', {type: 'button', onclick: async () => {
        if (await confirmDialog('Delete inline policy', `Delete the inline policy ${n} of ${name}?`)) act(view, () => iam('DeleteUserPolicy', {UserName: name, PolicyName: n}), `Deleted ${n}.`);
      }}, 'Remove')]),
  ];
  panel.append(h('div.section-head', h('h2', `Permissions policies (${rows.length})`),
    h('div.actions', h('button', {type: 'button', onclick: () => attachDialog(view, name, attached)}, 'Attach policies'),
      h('button', {type: 'button', onclick: () => inlineDialog(view, name, null)}, 'Create inline policy'))),
  table(['Policy name', 'Type', 'Attached via', ''], rows, {empty: 'No policies: this user may do nothing yet.'}));
}

function attachDialog(view, name, attached) {
  return attachPicker(`Attach policies to ${name}`, attached, (arn) => iam('AttachUserPolicy', {UserName: name, PolicyArn: arn}))
    .catch((e) => showError(view, e));
}

async function inlineDialog(view, name, existing) {
  let docText;
  if (existing) {
    const d = await iam('GetUserPolicy', {UserName: name, PolicyName: existing});
    docText = JSON.stringify(JSON.parse(decodeURIComponent(text(d, 'PolicyDocument'))), null, 2);
  }
  const pname = h('input', {value: existing || '', readonly: !!existing, maxlength: '128'});
  const editor = policyEditor({text: docText});
  const save = h('button.primary', {type: 'button'}, 'Save policy');
  const dlg = dialog(existing ? `Inline policy ${existing}` : 'Create inline policy', [field('Policy name', pname), editor.el],
    {actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), save], wide: true});
  save.addEventListener('click', async () => {
    if (!editor.valid()) { showError(dlg, {code: 'MalformedPolicyDocument', message: 'Fix the problems listed under the editor first.'}); return; }
    try {
      await iam('PutUserPolicy', {UserName: name, PolicyName: pname.value.trim(), PolicyDocument: editor.value()});
      dlg.close();
      rerender();
    } catch (e) { showError(dlg, e); }
  });
}

async function groupsTab(view, panel, name) {
  const groups = members(await iam('ListGroupsForUser', {UserName: name}), 'Groups');
  const add = async () => {
    const all = (await iamAll('ListGroups', {}, 'Groups')).filter((g) => !groups.some((x) => x.GroupName === g.GroupName));
    const sel = h('select', all.map((g) => h('option', {value: g.GroupName}, g.GroupName)));
    const go = h('button.primary', {type: 'button', disabled: !all.length}, 'Add to group');
    const dlg = dialog(`Add ${name} to a group`, all.length ? field('Group', sel) : h('p.empty', 'There is no other group. ', link('#/iam/groups', 'Create one'), '.'),
      {actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), go]});
    go.addEventListener('click', async () => {
      try { await iam('AddUserToGroup', {UserName: name, GroupName: sel.value}); dlg.close(); rerender(); } catch (e) { showError(dlg, e); }
    });
  };
  panel.append(h('div.section-head', h('h2', `User groups membership (${groups.length})`),
    h('div.actions', h('button', {type: 'button', onclick: () => add().catch((e) => showError(view, e))}, 'Add user to groups'))),
  table(['Group name', 'Created', ''], groups.map((g) => [link(`#/iam/groups/${encodeURIComponent(g.GroupName)}`, g.GroupName), fmtDate(g.CreateDate),
    h('button.small', {type: 'button', onclick: () => act(view, () => iam('RemoveUserFromGroup', {UserName: name, GroupName: g.GroupName}), `Removed from ${g.GroupName}.`)}, 'Remove')]),
  {empty: 'This user is in no group.'}));
}

async function tagsTab(view, panel, name) {
  const tags = members(await iam('ListUserTags', {UserName: name}), 'Tags');
  const key = h('input', {maxlength: '128', name: 'tagkey'});
  const value = h('input', {maxlength: '256', name: 'tagvalue'});
  const form = h('form.inline', field('Key', key), field('Value (optional)', value), h('button', {type: 'submit'}, 'Add tag'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    act(view, () => iam('TagUser', {UserName: name, 'Tags.member.1.Key': key.value.trim(), 'Tags.member.1.Value': value.value}), 'Tag saved.');
  });
  panel.append(h('h2', `Tags (${tags.length})`),
    table(['Key', 'Value', ''], tags.map((t) => [t.Key, t.Value || '', h('button.small', {type: 'button',
      onclick: () => act(view, () => iam('UntagUser', {UserName: name, 'TagKeys.member.1': t.Key}), `Tag ${t.Key} removed.`)}, 'Remove')]),
    {empty: 'No tags. Tags are key-value pairs that help you find and organise users.'}),
    h('h3', 'Add a tag'), form);
}

async function credentialsTab(view, panel, name, {query}) {
  const [keys, login] = await Promise.all([
    iamAll('ListAccessKeys', {UserName: name}, 'AccessKeyMetadata'),
    iam('GetLoginProfile', {UserName: name}).then((d) => first(d, 'LoginProfile')).catch((e) => {
      if (e instanceof ApiError && e.code === 'NoSuchEntity') return null;
      throw e;
    }),
  ]);
  const lastUsed = await Promise.all(keys.map((k) => iam('GetAccessKeyLastUsed', {AccessKeyId: k.AccessKeyId})
    .then((d) => ({date: text(d, 'LastUsedDate'), service: text(d, 'ServiceName'), region: text(d, 'Region')}))
    .catch(() => ({date: '', service: '', region: ''}))));

  // Console access
  const consoleCard = h('section.card', h('h2', 'Console sign-in'));
  if (login) {
    consoleCard.append(h('dl.facts', h('dt', 'Console access'), h('dd', badge('Enabled', 'ok')),
      h('dt', 'Password created'), h('dd', fmtDate(text(login, 'CreateDate'))),
      h('dt', 'Must be reset at next sign-in'), h('dd', text(login, 'PasswordResetRequired') === 'true' ? 'Yes' : 'No')),
    h('div.actions', h('button', {type: 'button', onclick: () => passwordDialog(name, true)}, 'Reset password'),
      h('button', {type: 'button', onclick: async () => {
        if (await confirmDialog('Disable console access', `${name} will no longer be able to sign in to the console. Access keys keep working.`, {confirmLabel: 'Disable'})) {
          act(view, () => iam('DeleteLoginProfile', {UserName: name}), 'Console access disabled.');
        }
      }}, 'Disable console access')));
  } else {
    consoleCard.append(h('p', 'Console access: ', h('strong', 'Disabled'), '. This user cannot sign in to the console.'),
      h('button', {type: 'button', onclick: () => passwordDialog(name, false)}, 'Enable console access'));
  }

  // Access keys
  const create = h('button.primary#create-access-key', {type: 'button', disabled: keys.length >= 2,
    onclick: () => createAccessKeyDialog(name, () => rerender())}, 'Create access key');
  const keyCards = keys.map((k, i) => {
    const age = daysSince(k.CreateDate);
    const lu = lastUsed[i];
    const active = k.Status === 'Active';
    return h('article.card.key', {dataset: {akid: k.AccessKeyId}},
      h('div.section-head', h('h3', h('code', k.AccessKeyId)),
        h('div.actions',
          h('button', {type: 'button', onclick: () => act(view, () => iam('UpdateAccessKey', {UserName: name, AccessKeyId: k.AccessKeyId, Status: active ? 'Inactive' : 'Active'}),
            `${k.AccessKeyId} is now ${active ? 'inactive' : 'active'}.`)}, active ? 'Make inactive' : 'Activate'),
          h('button.danger', {type: 'button', onclick: () => deleteKey(view, name, k.AccessKeyId, active)}, 'Delete'))),
      h('dl.facts',
        h('dt', 'Status'), h('dd', active ? badge('Active', 'ok') : badge('Inactive', 'muted')),
        h('dt', 'Created'), h('dd', fmtDate(k.CreateDate), ' (', fmtAge(k.CreateDate), ')',
          active && age > KEY_AGE_WARN_DAYS ? [' ', badge(`Older than ${KEY_AGE_WARN_DAYS} days: rotate it`, 'warn')] : null),
        h('dt', 'Last used'), h('dd', lu.date ? fmtDate(lu.date) : 'Never'),
        h('dt', 'Last used service'), h('dd', lu.service && lu.service !== 'N/A' ? lu.service : '—'),
        h('dt', 'Last used region'), h('dd', lu.region && lu.region !== 'N/A' ? lu.region : '—')));
  });
  panel.append(consoleCard,
    h('section.card', h('div.section-head', h('h2', `Access keys (${keys.length})`), h('div.actions', create)),
      h('p.hint', 'Use access keys to send programmatic calls (AWS CLI, SDKs, S3 tools). A user can have at most two keys: ',
        'to rotate, create a second key, switch your tools to it, make the old key inactive, then delete it.'),
      keyCards.length ? keyCards : h('div.empty', h('p', 'No access keys. Create one for the AWS CLI or an SDK.'))));
  if (query.get('create') === '1' && keys.length < 2) create.focus();
}

async function deleteKey(view, name, akid, active) {
  const msg = active
    ? `Access key ${akid} is active. Delete it? Every tool that still uses it will be refused at once. Consider making it inactive first, and delete it when nothing breaks.`
    : `Delete access key ${akid}? This cannot be undone.`;
  if (await confirmDialog(`Delete access key ${akid}`, msg, {confirmWord: akid, confirmLabel: 'Delete'})) {
    act(view, () => iam('DeleteAccessKey', {UserName: name, AccessKeyId: akid}), `Access key ${akid} deleted.`);
  }
}

function passwordDialog(name, exists) {
  const pw = h('input', {type: 'password', autocomplete: 'new-password'});
  const reset = h('input', {type: 'checkbox', checked: true});
  const go = h('button.primary', {type: 'button'}, exists ? 'Reset password' : 'Enable console access');
  const dlg = dialog(exists ? `Reset the password of ${name}` : `Enable console access for ${name}`,
    [field('New console password', pw), h('label.check', reset, ' User must create a new password at next sign-in')],
    {actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), go]});
  go.addEventListener('click', async () => {
    try {
      await iam(exists ? 'UpdateLoginProfile' : 'CreateLoginProfile', {UserName: name, Password: pw.value, PasswordResetRequired: reset.checked ? 'true' : 'false'});
      pw.value = '';
      dlg.close();
      rerender();
    } catch (e) { showError(dlg, e); }
  });
  pw.focus();
}

// AWS refuses DeleteUser while the user has keys, a password, policies or
// groups (DeleteConflict); the console removes those first, as AWS's does.
async function deleteUser(view, name) {
  if (!await confirmDialog(`Delete ${name}?`, `The user ${name}, its access keys, console password, inline policies, attachments and group memberships will be deleted. This cannot be undone.`, {confirmWord: name})) return;
  try {
    for (const k of await iamAll('ListAccessKeys', {UserName: name}, 'AccessKeyMetadata')) await iam('DeleteAccessKey', {UserName: name, AccessKeyId: k.AccessKeyId});
    try { await iam('DeleteLoginProfile', {UserName: name}); } catch (e) { if (e.code !== 'NoSuchEntity') throw e; }
    for (const p of await iamAll('ListAttachedUserPolicies', {UserName: name}, 'AttachedPolicies')) await iam('DetachUserPolicy', {UserName: name, PolicyArn: p.PolicyArn});
    const inl = await iam('ListUserPolicies', {UserName: name});
    for (const m of Array.from(first(inl, 'PolicyNames')?.children || [])) await iam('DeleteUserPolicy', {UserName: name, PolicyName: m.textContent});
    for (const g of members(await iam('ListGroupsForUser', {UserName: name}), 'Groups')) await iam('RemoveUserFromGroup', {UserName: name, GroupName: g.GroupName});
    await iam('DeleteUser', {UserName: name});
    window.dispatchEvent(new CustomEvent('coffer:users-changed'));
    navigate('#/iam/users');
  } catch (e) {
    showError(view, e);
  }
}

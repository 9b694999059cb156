// page-groups.js - user groups: the list, Create group, and one group with its
// members and attached policies.
import {iam, iamAll, members, first, text} from './api.js';
import {h, page, field, table, link, dialog, confirmDialog, showError, act, rerender, setFlash, fmtDate} from './ui.js';
import {policyHref} from './page-policies.js';
import {navigate} from './nav.js';

export async function groupsPage() {
  const groups = await iamAll('ListGroups', {}, 'Groups');
  const view = page(`User groups (${groups.length})`, {
    crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], [null, 'User groups']],
    actions: [h('button.primary', {type: 'button', onclick: () => createGroup()}, 'Create group')],
    intro: 'A group gives every member the permissions attached to it: grant access to teams, not to people one by one.',
  }, table(['Group name', 'Path', 'Created'], groups.map((g) => [link(`#/iam/groups/${encodeURIComponent(g.GroupName)}`, g.GroupName), g.Path, fmtDate(g.CreateDate)]),
    {empty: 'No groups yet.', caption: 'User groups'}));
  return view;
}

function createGroup() {
  const name = h('input', {maxlength: '128', autocomplete: 'off'});
  const go = h('button.primary', {type: 'button'}, 'Create group');
  const dlg = dialog('Create user group', field('Group name', name), {actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), go]});
  go.addEventListener('click', async () => {
    try {
      await iam('CreateGroup', {GroupName: name.value.trim()});
      dlg.close();
      navigate(`#/iam/groups/${encodeURIComponent(name.value.trim())}`);
    } catch (e) { showError(dlg, e); }
  });
  name.focus();
}

export async function groupPage({args: [name]}) {
  const doc = await iam('GetGroup', {GroupName: name});
  const g = first(doc, 'Group');
  const users = members(doc, 'Users');
  const attached = await iamAll('ListAttachedGroupPolicies', {GroupName: name}, 'AttachedPolicies');
  const del = h('button.danger', {type: 'button'}, 'Delete group');
  const view = page(name, {crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], ['#/iam/groups', 'User groups'], [null, name]], actions: [del]},
    h('section.card', h('dl.facts', h('dt', 'ARN'), h('dd', h('code', text(g, 'Arn'))), h('dt', 'Created'), h('dd', fmtDate(text(g, 'CreateDate'))))),
    h('section.card', h('div.section-head', h('h2', `Users in this group (${users.length})`),
      h('div.actions', h('button', {type: 'button', onclick: () => addUsers(name, users)}, 'Add users'))),
    table(['User name', ''], users.map((u) => [link(`#/iam/users/${encodeURIComponent(u.UserName)}`, u.UserName),
      h('button.small', {type: 'button', onclick: () => act(view, () => iam('RemoveUserFromGroup', {GroupName: name, UserName: u.UserName}), `${u.UserName} removed.`)}, 'Remove')]),
    {empty: 'No users in this group.'})),
    h('section.card', h('div.section-head', h('h2', `Permissions policies (${attached.length})`),
      h('div.actions', h('button', {type: 'button', onclick: () => attachDialog(name, attached)}, 'Attach policies'))),
    table(['Policy name', ''], attached.map((p) => [link(policyHref(p.PolicyArn), p.PolicyName),
      h('button.small', {type: 'button', onclick: () => act(view, () => iam('DetachGroupPolicy', {GroupName: name, PolicyArn: p.PolicyArn}), `${p.PolicyName} detached.`)}, 'Detach')]),
    {empty: 'No policies attached.'})));
  del.addEventListener('click', async () => {
    if (!await confirmDialog(`Delete ${name}?`, `The group ${name} will be deleted; its members lose the permissions it gave them.`, {confirmWord: name})) return;
    try {
      for (const u of users) await iam('RemoveUserFromGroup', {GroupName: name, UserName: u.UserName});
      for (const p of attached) await iam('DetachGroupPolicy', {GroupName: name, PolicyArn: p.PolicyArn});
      const inl = await iam('ListGroupPolicies', {GroupName: name});
      for (const m of Array.from(first(inl, 'PolicyNames')?.children || [])) await iam('DeleteGroupPolicy', {GroupName: name, PolicyName: m.textContent});
      await iam('DeleteGroup', {GroupName: name});
      setFlash('success', `Group ${name} deleted.`);
      navigate('#/iam/groups');
    } catch (e) { showError(view, e); }
  });
  return view;
}

async function addUsers(group, current) {
  const have = new Set(current.map((u) => u.UserName));
  const all = (await iamAll('ListUsers', {}, 'Users')).filter((u) => !have.has(u.UserName));
  const chosen = new Set();
  const go = h('button.primary', {type: 'button'}, 'Add users');
  const dlg = dialog(`Add users to ${group}`, all.length ? h('div.checklist', all.map((u) => h('label.check.row',
    h('input', {type: 'checkbox', onchange: (ev) => { if (ev.target.checked) chosen.add(u.UserName); else chosen.delete(u.UserName); }}), h('span.name', u.UserName))))
    : h('p.empty', 'Every user is already in this group.'), {actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), go]});
  go.addEventListener('click', async () => {
    try {
      for (const u of chosen) await iam('AddUserToGroup', {GroupName: group, UserName: u});
      dlg.close();
      rerender();
    } catch (e) { showError(dlg, e); }
  });
}

// Shared by groups and roles: pick managed policies to attach.
export async function attachPicker(title, have, attach) {
  const haveSet = new Set(have.map((p) => p.PolicyArn));
  const all = (await iamAll('ListPolicies', {Scope: 'All'}, 'Policies')).filter((p) => !haveSet.has(p.Arn));
  const chosen = new Set();
  const filter = h('input', {type: 'search', placeholder: 'Filter policies by name', 'aria-label': 'Filter policies by name'});
  const list = h('div.checklist');
  const fill = () => {
    const q = filter.value.trim().toLowerCase();
    list.replaceChildren(...all.filter((p) => p.PolicyName.toLowerCase().includes(q)).map((p) => h('label.check.row',
      h('input', {type: 'checkbox', checked: chosen.has(p.Arn), onchange: (ev) => { if (ev.target.checked) chosen.add(p.Arn); else chosen.delete(p.Arn); }}),
      h('span.name', p.PolicyName))));
  };
  filter.addEventListener('input', fill);
  fill();
  const go = h('button.primary', {type: 'button'}, 'Attach policies');
  const dlg = dialog(title, [filter, list], {wide: true, actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), go]});
  go.addEventListener('click', async () => {
    try {
      for (const arn of chosen) await attach(arn);
      dlg.close();
      rerender();
    } catch (e) { showError(dlg, e); }
  });
  filter.focus();
}

function attachDialog(group, attached) {
  return attachPicker(`Attach policies to ${group}`, attached, (arn) => iam('AttachGroupPolicy', {GroupName: group, PolicyArn: arn}));
}

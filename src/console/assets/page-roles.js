// page-roles.js - roles: the list, Create role (trust policy editor, then
// permissions), and one role with its trust policy (editable) and policies.
import {iam, iamAll, first, text} from './api.js';
import {h, page, field, table, link, dialog, confirmDialog, showError, act, rerender, setFlash, fmtDate} from './ui.js';
import {policyEditor, exampleTrust} from './policy-editor.js';
import {policyHref, prettyDocument} from './page-policies.js';
import {attachPicker} from './page-groups.js';
import {navigate} from './nav.js';

export async function rolesPage({session}) {
  const roles = await iamAll('ListRoles', {}, 'Roles');
  return page(`Roles (${roles.length})`, {
    crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], [null, 'Roles']],
    actions: [h('button.primary', {type: 'button', onclick: () => createRole(session)}, 'Create role')],
    intro: 'A role has no long-term credentials: whoever its trust policy allows assumes it with STS and gets temporary keys.',
  }, table(['Role name', 'Description', 'Created', 'Max session'], roles.map((r) => [
    link(`#/iam/roles/${encodeURIComponent(r.RoleName)}`, r.RoleName), r.Description || '—', fmtDate(r.CreateDate),
    r.MaxSessionDuration ? `${Math.round(r.MaxSessionDuration / 3600)} h` : '—']), {empty: 'No roles yet. Roles are the recommended way to hand out temporary credentials.', caption: 'Roles'}));
}

function createRole(session) {
  const name = h('input', {maxlength: '64', autocomplete: 'off'});
  const desc = h('input', {maxlength: '1000'});
  const editor = policyEditor({label: 'Trust policy (who may assume this role)', text: exampleTrust(session.principal.account), kind: 'trust', rows: 12});
  const go = h('button.primary', {type: 'button'}, 'Create role');
  const dlg = dialog('Create role', [field('Role name', name), field('Description (optional)', desc), editor.el],
    {wide: true, actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), go]});
  go.addEventListener('click', async () => {
    if (!editor.valid()) { showError(dlg, {code: 'MalformedPolicyDocument', message: 'Fix the problems listed under the editor first.'}); return; }
    try {
      await iam('CreateRole', {RoleName: name.value.trim(), Description: desc.value.trim(), AssumeRolePolicyDocument: editor.value()});
      dlg.close();
      setFlash('success', `Role ${name.value.trim()} created. Attach the policies it needs below.`);
      navigate(`#/iam/roles/${encodeURIComponent(name.value.trim())}`);
    } catch (e) { showError(dlg, e); }
  });
  name.focus();
}

export async function rolePage({args: [name]}) {
  const r = first(await iam('GetRole', {RoleName: name}), 'Role');
  const attached = await iamAll('ListAttachedRolePolicies', {RoleName: name}, 'AttachedPolicies');
  const trust = prettyDocument(text(r, 'AssumeRolePolicyDocument'));
  const del = h('button.danger', {type: 'button'}, 'Delete role');
  const view = page(name, {crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], ['#/iam/roles', 'Roles'], [null, name]], actions: [del]},
    h('section.card', h('dl.facts', h('dt', 'ARN'), h('dd', h('code', text(r, 'Arn'))), h('dt', 'Description'), h('dd', text(r, 'Description') || '—'),
      h('dt', 'Created'), h('dd', fmtDate(text(r, 'CreateDate'))), h('dt', 'Maximum session duration'), h('dd', `${Number(text(r, 'MaxSessionDuration')) / 3600 || 1} hour(s)`)),
    h('p.hint', 'Assume it with ', h('code', `aws sts assume-role --role-arn ${text(r, 'Arn')} --role-session-name me`))),
    h('section.card', h('div.section-head', h('h2', 'Trust policy'), h('div.actions', h('button', {type: 'button', onclick: () => editTrust(name, trust)}, 'Edit trust policy'))),
      h('pre.code.json', trust)),
    h('section.card', h('div.section-head', h('h2', `Permissions policies (${attached.length})`),
      h('div.actions', h('button', {type: 'button', onclick: () => attachPicker(`Attach policies to ${name}`, attached, (arn) => iam('AttachRolePolicy', {RoleName: name, PolicyArn: arn}))}, 'Attach policies'))),
    table(['Policy name', ''], attached.map((p) => [link(policyHref(p.PolicyArn), p.PolicyName),
      h('button.small', {type: 'button', onclick: () => act(view, () => iam('DetachRolePolicy', {RoleName: name, PolicyArn: p.PolicyArn}), `${p.PolicyName} detached.`)}, 'Detach')]),
    {empty: 'No policies: whoever assumes this role may do nothing yet.'})));
  del.addEventListener('click', async () => {
    if (!await confirmDialog(`Delete ${name}?`, `The role ${name} will be deleted. Sessions already issued for it stop working when they expire.`, {confirmWord: name})) return;
    try {
      for (const p of attached) await iam('DetachRolePolicy', {RoleName: name, PolicyArn: p.PolicyArn});
      const inl = await iam('ListRolePolicies', {RoleName: name});
      for (const m of Array.from(first(inl, 'PolicyNames')?.children || [])) await iam('DeleteRolePolicy', {RoleName: name, PolicyName: m.textContent});
      await iam('DeleteRole', {RoleName: name});
      setFlash('success', `Role ${name} deleted.`);
      navigate('#/iam/roles');
    } catch (e) { showError(view, e); }
  });
  return view;
}

function editTrust(name, trust) {
  const editor = policyEditor({label: 'Trust policy', text: trust, kind: 'trust'});
  const save = h('button.primary', {type: 'button'}, 'Update policy');
  const dlg = dialog(`Edit the trust policy of ${name}`, editor.el, {wide: true, actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), save]});
  save.addEventListener('click', async () => {
    if (!editor.valid()) { showError(dlg, {code: 'MalformedPolicyDocument', message: 'Fix the problems listed under the editor first.'}); return; }
    try {
      await iam('UpdateAssumeRolePolicy', {RoleName: name, PolicyDocument: editor.value()});
      dlg.close();
      rerender();
    } catch (e) { showError(dlg, e); }
  });
}

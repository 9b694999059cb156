// page-policies.js - managed policies: the list (AWS managed and customer
// managed, filterable), one policy (JSON of the default version, versions,
// where it is attached) and Create policy with the checking editor.
import {iam, iamAll, members, text, first} from './api.js';
import {h, page, field, table, link, badge, dialog, confirmDialog, showError, act, rerender, setFlash, fmtDate} from './ui.js';
import {policyEditor} from './policy-editor.js';
import {navigate} from './nav.js';

const isAws = (arn) => arn.startsWith('arn:aws:iam::aws:');
export const policyHref = (arn) => `#/iam/policies/${encodeURIComponent(arn)}`;

export function prettyDocument(encoded) {
  const raw = decodeURIComponent(encoded);
  try { return JSON.stringify(JSON.parse(raw), null, 2); } catch { return raw; }
}

export async function policiesPage({query}) {
  const all = await iamAll('ListPolicies', {Scope: 'All'}, 'Policies');
  const filter = h('input', {type: 'search', placeholder: 'Filter policies by name', 'aria-label': 'Filter policies by name', value: query.get('q') || ''});
  const scope = h('select', {'aria-label': 'Type'}, h('option', {value: ''}, 'All types'), h('option', {value: 'aws'}, 'AWS managed'), h('option', {value: 'local'}, 'Customer managed'));
  const holder = h('div');
  const fill = () => {
    const q = filter.value.trim().toLowerCase();
    const shown = all.filter((p) => p.PolicyName.toLowerCase().includes(q) && (!scope.value || (scope.value === 'aws') === isAws(p.Arn)));
    holder.replaceChildren(table(['Policy name', 'Type', 'Attached entities', 'Default version', 'Updated'], shown.map((p) => [
      link(policyHref(p.Arn), p.PolicyName), isAws(p.Arn) ? badge('AWS managed') : badge('Customer managed', 'info'),
      p.AttachmentCount, p.DefaultVersionId, fmtDate(p.UpdateDate)]), {empty: 'No policy matches.', caption: 'Policies'}));
  };
  filter.addEventListener('input', fill);
  scope.addEventListener('change', fill);
  fill();
  return page(`Policies (${all.length})`, {
    crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], [null, 'Policies']],
    actions: [h('a.button.primary', {href: '#/iam/policies/new'}, 'Create policy')],
    intro: 'A policy is a JSON document that allows or denies actions on resources. Attach it to users, groups or roles.',
  }, h('div.toolbar', filter, scope), holder);
}

export async function createPolicyPage() {
  const name = h('input', {maxlength: '128', name: 'policyname', autocomplete: 'off'});
  const desc = h('input', {maxlength: '1000', name: 'description'});
  const editor = policyEditor();
  const submit = h('button.primary', {type: 'submit'}, 'Create policy');
  const form = h('form', {novalidate: true}, h('section.card', field('Policy name', name, 'Letters, digits and + = , . @ - _'),
    field('Description (optional)', desc), editor.el), h('div.wizard-nav', h('a.button', {href: '#/iam/policies'}, 'Cancel'), submit));
  const view = page('Create policy', {crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], ['#/iam/policies', 'Policies'], [null, 'Create policy']]}, form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!editor.valid()) { showError(view, {code: 'MalformedPolicyDocument', message: 'Fix the problems listed under the editor first.'}); editor.focus(); return; }
    submit.disabled = true;
    try {
      const doc = await iam('CreatePolicy', {PolicyName: name.value.trim(), Description: desc.value.trim(), PolicyDocument: editor.value()});
      setFlash('success', `Policy ${name.value.trim()} created.`);
      navigate(policyHref(text(doc, 'Arn')));
    } catch (e) {
      showError(view, e);
      submit.disabled = false;
    }
  });
  return view;
}

export async function policyPage({args: [arn]}) {
  const pol = first(await iam('GetPolicy', {PolicyArn: arn}), 'Policy');
  const name = text(pol, 'PolicyName');
  const def = text(pol, 'DefaultVersionId');
  const [versions, current, entities] = await Promise.all([
    iamAll('ListPolicyVersions', {PolicyArn: arn}, 'Versions'),
    iam('GetPolicyVersion', {PolicyArn: arn, VersionId: def}),
    iam('ListEntitiesForPolicy', {PolicyArn: arn}),
  ]);
  const docText = prettyDocument(text(current, 'Document'));
  const aws = isAws(arn);
  const users = members(entities, 'PolicyUsers').map((u) => ['User', link(`#/iam/users/${encodeURIComponent(u.UserName)}`, u.UserName)]);
  const groups = members(entities, 'PolicyGroups').map((g) => ['Group', link(`#/iam/groups/${encodeURIComponent(g.GroupName)}`, g.GroupName)]);
  const roles = members(entities, 'PolicyRoles').map((r) => ['Role', link(`#/iam/roles/${encodeURIComponent(r.RoleName)}`, r.RoleName)]);

  const actions = [];
  if (!aws) {
    actions.push(h('button', {type: 'button', onclick: () => editDialog(arn, docText)}, 'Edit (new version)'));
    actions.push(h('button.danger', {type: 'button', onclick: () => deletePolicy(view, arn, name, versions)}, 'Delete'));
  }
  const view = page(name, {crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], ['#/iam/policies', 'Policies'], [null, name]], actions},
    h('section.card', h('dl.facts', h('dt', 'ARN'), h('dd', h('code', arn)), h('dt', 'Type'), h('dd', aws ? 'AWS managed' : 'Customer managed'),
      h('dt', 'Description'), h('dd', text(pol, 'Description') || '—'), h('dt', 'Created'), h('dd', fmtDate(text(pol, 'CreateDate'))),
      h('dt', 'Default version'), h('dd', def))),
    h('section.card', h('h2', `Permissions defined in this policy (${def})`), h('pre.code.json', docText)),
    h('section.card', h('h2', `Policy versions (${versions.length})`), table(['Version', 'Default', 'Created', ''], versions.map((v) => [
      v.VersionId, v.IsDefaultVersion === 'true' ? badge('Default', 'ok') : '', fmtDate(v.CreateDate),
      aws || v.IsDefaultVersion === 'true' ? h('button.small', {type: 'button', onclick: () => showVersion(arn, v.VersionId)}, 'View') : h('span.actions',
        h('button.small', {type: 'button', onclick: () => showVersion(arn, v.VersionId)}, 'View'),
        h('button.small', {type: 'button', onclick: () => act(view, () => iam('SetDefaultPolicyVersion', {PolicyArn: arn, VersionId: v.VersionId}), `${v.VersionId} is now the default version.`)}, 'Set as default'),
        h('button.small.danger', {type: 'button', onclick: async () => {
          if (await confirmDialog(`Delete version ${v.VersionId}`, `Delete version ${v.VersionId} of ${name}?`)) act(view, () => iam('DeletePolicyVersion', {PolicyArn: arn, VersionId: v.VersionId}), `${v.VersionId} deleted.`);
        }}, 'Delete')),
    ]))),
    h('section.card', h('h2', `Entities attached (${users.length + groups.length + roles.length})`),
      table(['Type', 'Name'], [...users, ...groups, ...roles], {empty: 'Not attached to any user, group or role.'})));
  return view;
}

async function showVersion(arn, version) {
  const d = await iam('GetPolicyVersion', {PolicyArn: arn, VersionId: version});
  const dlg = dialog(`Version ${version}`, h('pre.code.json', prettyDocument(text(d, 'Document'))),
    {wide: true, actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Close')]});
}

function editDialog(arn, docText) {
  const editor = policyEditor({text: docText});
  const save = h('button.primary', {type: 'button'}, 'Save as new default version');
  const dlg = dialog('Edit policy', [h('p.hint', 'Saving creates a new version and makes it the default; a policy keeps at most five versions.'), editor.el],
    {wide: true, actions: [h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), save]});
  save.addEventListener('click', async () => {
    if (!editor.valid()) { showError(dlg, {code: 'MalformedPolicyDocument', message: 'Fix the problems listed under the editor first.'}); return; }
    try {
      await iam('CreatePolicyVersion', {PolicyArn: arn, PolicyDocument: editor.value(), SetAsDefault: 'true'});
      dlg.close();
      rerender();
    } catch (e) { showError(dlg, e); }
  });
}

async function deletePolicy(view, arn, name, versions) {
  if (!await confirmDialog(`Delete ${name}?`, `The policy ${name} will be detached from every user, group and role and deleted.`, {confirmWord: name})) return;
  try {
    const ents = await iam('ListEntitiesForPolicy', {PolicyArn: arn});
    for (const u of members(ents, 'PolicyUsers')) await iam('DetachUserPolicy', {UserName: u.UserName, PolicyArn: arn});
    for (const g of members(ents, 'PolicyGroups')) await iam('DetachGroupPolicy', {GroupName: g.GroupName, PolicyArn: arn});
    for (const r of members(ents, 'PolicyRoles')) await iam('DetachRolePolicy', {RoleName: r.RoleName, PolicyArn: arn});
    for (const v of versions) if (v.IsDefaultVersion !== 'true') await iam('DeletePolicyVersion', {PolicyArn: arn, VersionId: v.VersionId});
    await iam('DeletePolicy', {PolicyArn: arn});
    setFlash('success', `Policy ${name} deleted.`);
    navigate('#/iam/policies');
  } catch (e) {
    showError(view, e);
  }
}

// page-users.js - the IAM users list (groups, last activity, key age, console
// access) and the Add user wizard: details, then permissions (managed
// policies, groups or a custom inline policy), then review and create.
import {iam, iamAll, members, text, mapLimit, ApiError} from './api.js';
import {h, page, field, table, link, badge, showError, setFlash, fmtAgo, fmtAge, fmtDate, daysSince} from './ui.js';
import {policyEditor, EXAMPLE_IDENTITY} from './policy-editor.js';
import {navigate} from './nav.js';

export const KEY_AGE_WARN_DAYS = 90;

// Treats "not allowed to look" as unknown rather than failing the whole list.
async function soft(p, fallback) {
  try { return await p; } catch (e) { if (e instanceof ApiError && e.status < 500) return fallback; throw e; }
}

async function userFacts(u) {
  const [groups, keys, login] = await Promise.all([
    soft(iam('ListGroupsForUser', {UserName: u.UserName}).then((d) => members(d, 'Groups').map((g) => g.GroupName)), null),
    soft(iam('ListAccessKeys', {UserName: u.UserName}).then((d) => members(d, 'AccessKeyMetadata')), null),
    soft(iam('GetLoginProfile', {UserName: u.UserName}).then(() => true), false),
  ]);
  let lastUsed = u.PasswordLastUsed || null;
  for (const k of keys || []) {
    const d = await soft(iam('GetAccessKeyLastUsed', {AccessKeyId: k.AccessKeyId}), null);
    const when = d ? text(d, 'LastUsedDate') : '';
    if (when && (!lastUsed || when > lastUsed)) lastUsed = when;
  }
  return {groups, keys, login, lastUsed};
}

function keyAgeCell(keys) {
  if (keys === null) return '—';
  const active = keys.filter((k) => k.Status === 'Active');
  if (!active.length) return keys.length ? 'No active key' : '—';
  const oldest = active.map((k) => k.CreateDate).sort()[0];
  const old = daysSince(oldest) > KEY_AGE_WARN_DAYS;
  return h('span', fmtAge(oldest), old ? [' ', badge(`Older than ${KEY_AGE_WARN_DAYS} days: rotate`, 'warn')] : null);
}

export async function usersPage() {
  const users = await iamAll('ListUsers', {}, 'Users');
  const facts = await mapLimit(users, 6, userFacts);
  const rows = users.map((u, i) => {
    const f = facts[i];
    return [
      link(`#/iam/users/${encodeURIComponent(u.UserName)}`, u.UserName),
      f.groups === null ? '—' : (f.groups.length ? f.groups.join(', ') : 'None'),
      fmtAgo(f.lastUsed),
      keyAgeCell(f.keys),
      f.login ? badge('Enabled', 'ok') : 'Disabled',
      fmtDate(u.CreateDate),
    ];
  });
  return page('Users', {
    crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], [null, 'Users']],
    actions: [h('a.button.primary', {href: '#/iam/users/new'}, 'Add users')],
    intro: 'An IAM user is an identity with long-term credentials: a console password, access keys, or both.',
  }, table(['User name', 'Groups', 'Last activity', 'Active key age', 'Console access', 'Created'], rows, {
    caption: 'IAM users',
    empty: h('span', 'No users yet. ', link('#/iam/users/new', 'Add a user'), ' to give someone access without sharing the root user.'),
  }));
}

// --- Add user wizard ---

function stepper(step) {
  const names = ['Specify user details', 'Set permissions', 'Review and create'];
  return h('ol.stepper', names.map((n, i) => h('li', {class: i === step ? 'current' : (i < step ? 'done' : ''),
    'aria-current': i === step ? 'step' : null}, h('span.n', `Step ${i + 1}`), h('span', n))));
}

export async function addUserPage() {
  const st = {name: '', console: false, password: '', reset: true, accessKey: true,
    mode: 'policies', policies: new Set(), groups: new Set(), inlineName: '', inlineDoc: EXAMPLE_IDENTITY};
  const body = h('div.wizard');
  const view = page('Add user', {crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], ['#/iam/users', 'Users'], [null, 'Add user']]}, body);
  let allPolicies = null;
  let allGroups = null;

  function nav(back, next, nextLabel = 'Next') {
    return h('div.wizard-nav',
      h('a.button', {href: '#/iam/users'}, 'Cancel'),
      back ? h('button', {type: 'button', onclick: back}, 'Previous') : null,
      h('button.primary', {type: 'submit'}, nextLabel));
  }

  function step1() {
    const name = h('input', {name: 'username', required: true, maxlength: '64', value: st.name, autocomplete: 'off'});
    const consoleBox = h('input', {type: 'checkbox', name: 'console', checked: st.console});
    const pw = h('input', {type: 'password', name: 'password', autocomplete: 'new-password', value: st.password});
    const reset = h('input', {type: 'checkbox', name: 'reset', checked: st.reset});
    const keyBox = h('input', {type: 'checkbox', name: 'accesskey', checked: st.accessKey});
    const pwBlock = h('div.indent', field('Console password', pw, 'The user signs in with your account ID, the user name and this password.'),
      h('label.check', reset, ' User must create a new password at next sign-in'));
    pwBlock.hidden = !st.console;
    consoleBox.addEventListener('change', () => { pwBlock.hidden = !consoleBox.checked; });
    const form = h('form', {novalidate: true},
      h('section.card',
        h('h2', 'User details'),
        field('User name', name, 'Up to 64 letters, digits and + = , . @ _ -'),
        h('fieldset', h('legend', 'Access type'),
          h('label.check', keyBox, ' Access key – Programmatic access (create the key on the next page after the user exists)'),
          h('label.check', consoleBox, ' Provide user access to the coffer console'),
          pwBlock)),
      nav(null));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      st.name = name.value.trim();
      st.console = consoleBox.checked;
      st.password = pw.value;
      st.reset = reset.checked;
      st.accessKey = keyBox.checked;
      if (!/^[\w+=,.@-]{1,64}$/.test(st.name)) {
        showError(view, {code: 'ValidationError', message: 'The user name must be 1 to 64 letters, digits and + = , . @ _ - characters.'});
        name.focus();
        return;
      }
      if (st.console && !st.password) {
        showError(view, {code: 'ValidationError', message: 'Enter a console password, or clear "Provide user access to the coffer console".'});
        pw.focus();
        return;
      }
      show(1);
    });
    body.replaceChildren(stepper(0), form);
    name.focus();
  }

  async function step2() {
    const choice = (value, label, hint) => h('label.option', h('input', {type: 'radio', name: 'mode', value, checked: st.mode === value,
      onchange: () => { st.mode = value; paint(); }}), h('span', h('strong', label), h('span.hint', hint)));
    const panel = h('div.panel');
    const editor = policyEditor({label: 'Inline policy document', text: st.inlineDoc});
    const form = h('form', {novalidate: true},
      h('section.card', h('h2', 'Permissions options'),
        h('div.options', {role: 'radiogroup', 'aria-label': 'Permissions options'},
          choice('policies', 'Attach policies directly', 'Attach AWS managed or customer managed policies to this user.'),
          choice('groups', 'Add user to group', 'The user gets the permissions of the groups it belongs to (recommended for teams).'),
          choice('inline', 'Create a custom policy', 'Write a JSON policy that belongs to this user only.'))),
      panel, nav(() => show(0)));

    function paint() {
      if (st.mode === 'policies') {
        const filter = h('input', {type: 'search', placeholder: 'Filter policies by name', 'aria-label': 'Filter policies by name'});
        const list = h('div.checklist');
        const fill = () => {
          const q = filter.value.trim().toLowerCase();
          const shown = allPolicies.filter((p) => p.PolicyName.toLowerCase().includes(q));
          list.replaceChildren(...(shown.length ? shown.map((p) => h('label.check.row',
            h('input', {type: 'checkbox', value: p.Arn, checked: st.policies.has(p.Arn), onchange: (ev) => {
              if (ev.target.checked) st.policies.add(p.Arn); else st.policies.delete(p.Arn);
            }}),
            h('span.name', p.PolicyName), badge(p.Arn.startsWith('arn:aws:iam::aws:') ? 'AWS managed' : 'Customer managed'))) : [h('p.empty', 'No policy matches this filter.')]));
        };
        filter.addEventListener('input', fill);
        fill();
        panel.replaceChildren(h('section.card', h('h2', `Permissions policies (${allPolicies.length})`), filter, list));
      } else if (st.mode === 'groups') {
        panel.replaceChildren(h('section.card', h('h2', 'User groups'), allGroups.length
          ? h('div.checklist', allGroups.map((g) => h('label.check.row', h('input', {type: 'checkbox', value: g.GroupName, checked: st.groups.has(g.GroupName),
            onchange: (ev) => { if (ev.target.checked) st.groups.add(g.GroupName); else st.groups.delete(g.GroupName); }}), h('span.name', g.GroupName))))
          : h('p.empty', 'No groups yet. ', link('#/iam/groups', 'Create a group'), ' or attach policies directly.')));
      } else {
        const iname = h('input', {value: st.inlineName || `${st.name}-policy`, maxlength: '128'});
        iname.addEventListener('input', () => { st.inlineName = iname.value; });
        st.inlineName = iname.value;
        panel.replaceChildren(h('section.card', h('h2', 'Custom policy'), field('Policy name', iname), editor.el));
      }
    }
    try {
      if (!allPolicies) allPolicies = await iamAll('ListPolicies', {Scope: 'All'}, 'Policies');
      if (!allGroups) allGroups = await iamAll('ListGroups', {}, 'Groups');
    } catch (e) {
      allPolicies = allPolicies || [];
      allGroups = allGroups || [];
      showError(view, e);
    }
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (st.mode === 'inline') {
        st.inlineDoc = editor.value();
        if (!editor.valid()) {
          showError(view, {code: 'MalformedPolicyDocument', message: 'Fix the problems listed under the policy editor first.'});
          editor.focus();
          return;
        }
        if (!st.inlineName.trim()) { showError(view, {code: 'ValidationError', message: 'Name the custom policy.'}); return; }
      }
      show(2);
    });
    body.replaceChildren(stepper(1), form);
    paint();
  }

  function step3() {
    const perms = st.mode === 'policies' ? [...st.policies].map((a) => a.split('/').pop())
      : st.mode === 'groups' ? [...st.groups].map((g) => `Group ${g}`) : [`Inline policy ${st.inlineName}`];
    const create = h('button.primary', {type: 'submit'}, 'Create user');
    const form = h('form',
      h('section.card', h('h2', 'User details'),
        h('dl.facts', h('dt', 'User name'), h('dd', st.name),
          h('dt', 'Console password'), h('dd', st.console ? `Custom password${st.reset ? ', must be changed at next sign-in' : ''}` : 'None'),
          h('dt', 'Access key'), h('dd', st.accessKey ? 'Created next, on the Security credentials tab' : 'None'))),
      h('section.card', h('h2', 'Permissions summary'),
        perms.length ? h('ul', perms.map((p) => h('li', p))) : h('p.empty', 'No permissions: the user can do nothing until you grant some.')),
      h('div.wizard-nav', h('a.button', {href: '#/iam/users'}, 'Cancel'), h('button', {type: 'button', onclick: () => show(1)}, 'Previous'), create));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      create.disabled = true;
      create.textContent = 'Creating…';
      try {
        await createUser();
      } catch (e) {
        showError(view, e);
        create.disabled = false;
        create.textContent = 'Create user';
      }
    });
    body.replaceChildren(stepper(2), form);
    create.focus();
  }

  // CreateUser first: if that is refused (AccessDenied, EntityAlreadyExists),
  // nothing else is attempted. Later failures leave the user and say what failed.
  async function createUser() {
    await iam('CreateUser', {UserName: st.name});
    window.dispatchEvent(new CustomEvent('coffer:users-changed'));
    const done = [];
    try {
      if (st.console) {
        await iam('CreateLoginProfile', {UserName: st.name, Password: st.password, PasswordResetRequired: st.reset ? 'true' : 'false'});
        st.password = '';
      }
      if (st.mode === 'policies') for (const arn of st.policies) { await iam('AttachUserPolicy', {UserName: st.name, PolicyArn: arn}); done.push(arn); }
      if (st.mode === 'groups') for (const g of st.groups) await iam('AddUserToGroup', {UserName: st.name, GroupName: g});
      if (st.mode === 'inline') await iam('PutUserPolicy', {UserName: st.name, PolicyName: st.inlineName.trim(), PolicyDocument: st.inlineDoc});
    } catch (e) {
      e.message = `User ${st.name} was created, but setting it up failed: ${e.message}`;
      setFlash('error', `${e.code}: ${e.message}`);
      navigate(`#/iam/users/${encodeURIComponent(st.name)}`);
      return;
    }
    setFlash('success', `User ${st.name} created.${st.accessKey ? ' Now create its access key below.' : ''}`);
    navigate(`#/iam/users/${encodeURIComponent(st.name)}${st.accessKey ? '?tab=credentials&create=1' : ''}`);
  }

  function show(n) {
    view.querySelector('.messages').replaceChildren();
    [step1, step2, step3][n]();
  }
  show(0);
  return view;
}

// page-simulator.js - the policy simulator: SimulatePrincipalPolicy for a user,
// group or role, some actions and a resource; each result says allowed or
// denied and which policy statement decided.
import {iam, iamAll, kids, first, text} from './api.js';
import {h, page, field, table, badge, showError, clearMessages} from './ui.js';

export async function simulatorPage({query}) {
  const [users, groups, roles] = await Promise.all([
    iamAll('ListUsers', {}, 'Users').catch(() => []),
    iamAll('ListGroups', {}, 'Groups').catch(() => []),
    iamAll('ListRoles', {}, 'Roles').catch(() => []),
  ]);
  const principal = h('select', {name: 'principal'},
    h('optgroup', {label: 'Users'}, users.map((u) => h('option', {value: u.Arn}, u.UserName))),
    h('optgroup', {label: 'Groups'}, groups.map((g) => h('option', {value: g.Arn}, g.GroupName))),
    h('optgroup', {label: 'Roles'}, roles.map((r) => h('option', {value: r.Arn}, r.RoleName))));
  if (query.get('principal')) principal.value = query.get('principal');
  const actions = h('input', {name: 'actions', value: query.get('action') || 's3:GetObject, s3:PutObject', autocomplete: 'off'});
  const resource = h('input', {name: 'resource', value: query.get('resource') || '*', autocomplete: 'off'});
  const submit = h('button.primary', {type: 'submit'}, 'Run simulation');
  const results = h('div.results', {'aria-live': 'polite'});
  const form = h('form.card', {novalidate: true},
    field('Principal', principal, 'Its identity-based policies (attached, inline and, for users, its groups\') are evaluated.'),
    field('Actions', actions, 'One or more, separated by commas or spaces, e.g. s3:ListBucket iam:CreateUser'),
    field('Resource ARN', resource, 'For example arn:aws:s3:::photos/* ; * means any resource.'),
    submit);
  const view = page('Policy simulator', {crumbs: [['#/', 'Console'], ['#/iam', 'IAM'], [null, 'Policy simulator']],
    intro: 'Check what a principal may do before it tries, and see which statement decides.'}, form, results);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(view);
    const names = actions.value.split(/[\s,]+/).filter(Boolean);
    if (!principal.value || !names.length) { showError(view, {code: 'ValidationError', message: 'Choose a principal and at least one action.'}); return; }
    submit.disabled = true;
    try {
      const doc = await iam('SimulatePrincipalPolicy', {PolicySourceArn: principal.value, ActionNames: names, ResourceArns: [resource.value.trim() || '*']});
      const rows = kids(first(doc, 'EvaluationResults'), 'member').map((m) => {
        const decision = text(m, 'EvalDecision');
        const match = kids(first(m, 'MatchedStatements'), 'member')[0];
        let why = decision === 'implicitDeny' ? 'No statement allows this action (implicit deny).' : '—';
        if (match) {
          const start = first(match, 'StartPosition');
          const end = first(match, 'EndPosition');
          why = h('span', h('strong', text(match, 'SourcePolicyId')), ` (${text(match, 'SourcePolicyType')})`,
            !start ? '' : text(start, 'Line') === text(end, 'Line')
              ? `, statement at line ${text(start, 'Line')}, columns ${text(start, 'Column')}–${text(end, 'Column')}`
              : `, statement at lines ${text(start, 'Line')}–${text(end, 'Line')}`);
        }
        return [h('code', text(m, 'EvalActionName')), h('code', text(m, 'EvalResourceName')),
          decision === 'allowed' ? badge('Allowed', 'ok') : badge(decision === 'explicitDeny' ? 'Denied (explicit)' : 'Denied', 'bad'), why];
      });
      results.replaceChildren(h('h2', 'Results'), table(['Action', 'Resource', 'Decision', 'Deciding statement'], rows, {caption: 'Simulation results'}));
    } catch (e) {
      showError(view, e);
    }
    submit.disabled = false;
  });
  return view;
}

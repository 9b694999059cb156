// page-iam.js - the IAM dashboard: counts from GetAccountSummary and the way
// to the pages people come for (the guide's step 2 lands here).
import {iam, kids, first} from './api.js';
import {h, page, showError} from './ui.js';

export async function iamHomePage({session}) {
  const counts = h('div.tiles');
  const view = page('IAM dashboard', {crumbs: [['#/', 'Console'], [null, 'IAM']],
    intro: 'Identity and Access Management: who may sign in or call the API, and with which permissions.'},
  counts,
  h('section.card', h('h2', 'Security recommendations'),
    h('ul.checks',
      h('li', 'Use the root user only for tasks that need it; create an IAM user for everyday work.'),
      h('li', 'Prefer roles and temporary credentials (STS) over long-term access keys.'),
      h('li', 'Rotate access keys that are older than 90 days, and remove keys nobody uses: see the ', h('a', {href: '#/iam/report'}, 'credential report'), '.'),
      h('li', 'Grant least privilege: check a policy in the ', h('a', {href: '#/iam/simulator'}, 'policy simulator'), ' before you attach it.'))));
  try {
    const doc = await iam('GetAccountSummary');
    const map = {};
    for (const e of kids(first(doc, 'SummaryMap'), 'entry')) map[e.children[0].textContent] = e.children[1].textContent;
    const tile = (href, title, key) => h('a.tile.count', {href}, h('span.num', map[key] ?? '—'), h('span', title));
    counts.append(tile('#/iam/users', 'Users', 'Users'), tile('#/iam/groups', 'User groups', 'Groups'),
      tile('#/iam/roles', 'Roles', 'Roles'), tile('#/iam/policies', 'Customer managed policies', 'Policies'));
  } catch (e) {
    const links = [['#/iam/users', 'Users'], ['#/iam/groups', 'User groups'], ['#/iam/roles', 'Roles'], ['#/iam/policies', 'Policies']];
    counts.append(...links.map(([href, t]) => h('a.tile.count', {href}, h('span', t))));
    if (e.code !== 'AccessDenied') showError(view, e);
  }
  return view;
}

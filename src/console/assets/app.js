// app.js - the console's shell: the hash router, the top bar with its search box
// and account menu, the side navigation, and the rules that send a visitor to
// the sign-in or password-change page. Each page lives in its own page-*.js.
import {currentSession, loadSession, signOut, onSessionChange, iamAll} from './api.js';
import {h, showError, showFlash, loading} from './ui.js';
import {navigate} from './nav.js';
import {signInPage, passwordPage} from './page-signin.js';
import {iamHomePage} from './page-iam.js';
import {usersPage, addUserPage} from './page-users.js';
import {userPage} from './page-user.js';
import {policiesPage, policyPage, createPolicyPage} from './page-policies.js';
import {groupsPage, groupPage} from './page-groups.js';
import {rolesPage, rolePage} from './page-roles.js';
import {reportPage} from './page-report.js';
import {simulatorPage} from './page-simulator.js';
import {eventsPage} from './page-events.js';
import {bucketsPage, bucketPage, objectPage} from './page-buckets.js';
import {homePage} from './page-home.js';

// [pattern, page, nav key]; the first match wins. Captures are decoded.
const ROUTES = [
  [/^\/$/, homePage, 'home'],
  [/^\/iam$/, iamHomePage, 'iam'],
  [/^\/iam\/users$/, usersPage, 'users'],
  [/^\/iam\/users\/new$/, addUserPage, 'users'],
  [/^\/iam\/users\/([^/]+)$/, userPage, 'users'],
  [/^\/iam\/groups$/, groupsPage, 'groups'],
  [/^\/iam\/groups\/([^/]+)$/, groupPage, 'groups'],
  [/^\/iam\/roles$/, rolesPage, 'roles'],
  [/^\/iam\/roles\/([^/]+)$/, rolePage, 'roles'],
  [/^\/iam\/policies$/, policiesPage, 'policies'],
  [/^\/iam\/policies\/new$/, createPolicyPage, 'policies'],
  [/^\/iam\/policies\/(.+)$/, policyPage, 'policies'],
  [/^\/iam\/report$/, reportPage, 'report'],
  [/^\/iam\/simulator$/, simulatorPage, 'simulator'],
  [/^\/events$/, eventsPage, 'events'],
  [/^\/s3$/, bucketsPage, 'buckets'],
  [/^\/s3\/([^/]+)$/, bucketPage, 'buckets'],
  [/^\/s3\/([^/]+)\/object$/, objectPage, 'buckets'],
];

// What the search box finds besides users: [label, hash, words it answers to].
const PAGES = [
  ['IAM (Identity and Access Management)', '#/iam', 'iam identity access management'],
  ['Users', '#/iam/users', 'users iam people'],
  ['Add user', '#/iam/users/new', 'add create new user'],
  ['User groups', '#/iam/groups', 'groups iam'],
  ['Roles', '#/iam/roles', 'roles iam trust assume'],
  ['Policies', '#/iam/policies', 'policies iam permissions json'],
  ['Credential report', '#/iam/report', 'credential report keys age'],
  ['Policy simulator', '#/iam/simulator', 'policy simulator simulate test permissions'],
  ['Event history', '#/events', 'event history audit log cloudtrail'],
  ['Buckets (S3)', '#/s3', 'buckets s3 storage objects files'],
];

const NAV = [
  ['IAM', [['iam', '#/iam', 'Dashboard'], ['users', '#/iam/users', 'Users'], ['groups', '#/iam/groups', 'User groups'],
    ['roles', '#/iam/roles', 'Roles'], ['policies', '#/iam/policies', 'Policies'],
    ['report', '#/iam/report', 'Credential report'], ['simulator', '#/iam/simulator', 'Policy simulator']]],
  ['S3', [['buckets', '#/s3', 'Buckets']]],
  ['Audit', [['events', '#/events', 'Event history']]],
];

const root = document.getElementById('app');

function route() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, qs] = raw.split('?');
  return {path, query: new URLSearchParams(qs || '')};
}


// --- top bar search: pages and users by name ---

let userNames = null;
async function knownUsers() {
  if (userNames === null) {
    userNames = [];
    try {
      userNames = (await iamAll('ListUsers', {}, 'Users')).map((u) => u.UserName);
    } catch { /* a user who may not list users still finds pages */ }
  }
  return userNames;
}
window.addEventListener('coffer:users-changed', () => { userNames = null; });

function searchBox() {
  const input = h('input#search', {type: 'search', placeholder: 'Search pages and users', autocomplete: 'off',
    role: 'combobox', 'aria-expanded': 'false', 'aria-controls': 'search-results', 'aria-autocomplete': 'list',
    'aria-label': 'Search pages and users'});
  const list = h('ul#search-results.search-results', {role: 'listbox', hidden: true});
  let results = [];
  let active = -1;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }
  function go(r) {
    close();
    input.value = '';
    input.blur();
    navigate(r.hash);
  }
  function paint() {
    list.replaceChildren(...results.map((r, i) => h('li', {role: 'option', id: `search-opt-${i}`,
      'aria-selected': i === active ? 'true' : 'false', onmousedown: (ev) => { ev.preventDefault(); go(r); }},
    h('span.result-label', r.label), h('span.result-kind', r.kind))));
    if (!results.length && input.value.trim()) list.append(h('li.none', 'No matches'));
    list.hidden = !input.value.trim();
    input.setAttribute('aria-expanded', list.hidden ? 'false' : 'true');
    if (active >= 0) input.setAttribute('aria-activedescendant', `search-opt-${active}`);
  }
  async function update() {
    const q = input.value.trim().toLowerCase();
    if (!q) { results = []; close(); return; }
    const pages = PAGES.filter(([label, , words]) => label.toLowerCase().includes(q) || words.split(' ').some((w) => w.startsWith(q)))
      .map(([label, hash]) => ({label, hash, kind: 'Page'}));
    const users = (await knownUsers()).filter((n) => n.toLowerCase().includes(q)).slice(0, 8)
      .map((n) => ({label: n, hash: `#/iam/users/${encodeURIComponent(n)}`, kind: 'IAM user'}));
    if (input.value.trim().toLowerCase() !== q) return;
    results = [...pages, ...users];
    active = results.length ? 0 : -1;
    paint();
  }
  input.addEventListener('input', update);
  input.addEventListener('focus', () => { knownUsers(); });
  input.addEventListener('blur', () => setTimeout(close, 100));
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'ArrowDown' && results.length) { active = (active + 1) % results.length; paint(); ev.preventDefault(); }
    if (ev.key === 'ArrowUp' && results.length) { active = (active - 1 + results.length) % results.length; paint(); ev.preventDefault(); }
    if (ev.key === 'Enter' && active >= 0) { go(results[active]); ev.preventDefault(); }
    if (ev.key === 'Escape') { input.value = ''; close(); }
  });
  // "/" focuses the search box, as in AWS's console.
  document.addEventListener('keydown', (ev) => {
    if (ev.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(document.activeElement.tagName)) {
      ev.preventDefault();
      input.focus();
    }
  });
  return h('div.search', {role: 'search'}, input, list);
}

function accountMenu(s) {
  const p = s.principal;
  const details = h('details.account',
    h('summary', h('span.who', p.type === 'Root' ? 'Root user' : p.name), h('span.acct', p.account)),
    h('div.menu',
      h('dl', h('dt', 'Signed in as'), h('dd', p.arn), h('dt', 'Account'), h('dd', p.account)),
      p.type === 'IAMUser' ? h('a', {href: `#/iam/users/${encodeURIComponent(p.name)}?tab=credentials`}, 'My security credentials') : null,
      h('button#signout', {type: 'button', onclick: async () => {
        try { await signOut(); } catch { /* the session is gone either way */ }
        navigate('#/signin');
      }}, 'Sign out')));
  return details;
}

function shell(s, navKey) {
  const top = h('header.topbar',
    h('a.brand', {href: '#/'}, h('img', {src: '/assets/logo.svg', alt: '', width: '28', height: '28'}), h('span', 'coffer')),
    searchBox(),
    accountMenu(s));
  const side = h('nav.sidenav', {'aria-label': 'Console'},
    NAV.map(([title, items]) => h('div.navgroup', h('h2', title),
      h('ul', items.map(([key, href, label]) => h('li', h('a', {href, 'aria-current': key === navKey ? 'page' : null}, label)))))));
  const main = h('main#main', {tabindex: '-1'}, h('div#messages', {'aria-live': 'polite'}));
  return {frame: [h('a.skip', {href: '#main', onclick: (ev) => { ev.preventDefault(); main.focus(); }}, 'Skip to content'), top,
    h('div.layout', side, main)], main};
}

let renderSeq = 0;
async function render() {
  const seq = ++renderSeq;
  const {path, query} = route();
  let s = currentSession();
  if (s === null && path !== '/signin') {
    try { s = await loadSession(); } catch (e) { s = null; }
    if (seq !== renderSeq) return;
  }
  if (!s) {
    if (path !== '/signin') { location.replace('#/signin'); return; }
    root.replaceChildren(signInPage(query));
    return;
  }
  if (s.passwordResetRequired) {
    if (path !== '/password') { location.replace('#/password'); return; }
    root.replaceChildren(passwordPage(true));
    return;
  }
  if (path === '/signin') { location.replace('#/'); return; }
  if (path === '/password') { root.replaceChildren(passwordPage(false)); return; }

  let match = null;
  let r;
  for (r of ROUTES) {
    match = path.match(r[0]);
    if (match) break;
  }
  const {frame, main} = shell(s, match ? r[2] : '');
  root.replaceChildren(...frame);
  if (!match) {
    main.append(h('section.page', h('h1', 'Page not found'), h('p', 'There is no page at this address. ', h('a', {href: '#/'}, 'Go to the console home'), '.')));
    return;
  }
  const args = match.slice(1).map(decodeURIComponent);
  main.append(loading());
  try {
    const view = await r[1]({args, query, session: s});
    if (seq !== renderSeq) return;
    main.querySelector('.loading')?.remove();
    main.append(view);
    showFlash(view);
    const h1 = main.querySelector('h1');
    if (h1 && document.activeElement === document.body) h1.focus({preventScroll: true});
    document.title = `${h1 ? h1.textContent + ' · ' : ''}coffer console`;
  } catch (e) {
    if (seq !== renderSeq) return;
    main.querySelector('.loading')?.remove();
    showError(main, e);
  }
}

window.addEventListener('hashchange', render);
window.addEventListener('coffer:signed-out', () => navigate('#/signin'));
window.addEventListener('coffer:password-reset', () => navigate('#/password'));
window.addEventListener('coffer:rerender', render);
onSessionChange(() => { userNames = null; });
render();

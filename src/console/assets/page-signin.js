// page-signin.js - the sign-in page (root user or IAM user, as AWS asks) and the
// password change that a user whose password must be reset sees first.
import {signIn, changePassword, currentSession, signOut} from './api.js';
import {h, field, showError, clearMessages, tabs} from './ui.js';
import {navigate} from './nav.js';

export function signInPage(query) {
  let kind = query.get('kind') === 'iam' ? 'iam' : 'root';
  const card = h('div.signin-card');
  const wrap = h('main.signin', {id: 'main'},
    h('div.signin-brand', h('img', {src: '/assets/logo.svg', alt: '', width: '48', height: '48'}), h('span', 'coffer console')),
    card);

  function paint() {
    const account = h('input', {name: 'account', autocomplete: 'organization', required: true, inputmode: 'text',
      value: localStorage.getItem('coffer.account') || ''});
    const user = h('input', {name: 'user', autocomplete: 'username', required: true,
      value: kind === 'root' ? (localStorage.getItem('coffer.rootUser') || 'root') : ''});
    const password = h('input', {name: 'password', type: 'password', autocomplete: 'current-password', required: true});
    const submit = h('button.primary.wide', {type: 'submit'}, 'Sign in');
    const form = h('form', {novalidate: true}, kind === 'iam'
      ? field('Account ID (12 digits) or account alias', account)
      : null,
    field(kind === 'root' ? 'Root user name' : 'IAM user name', user),
    field('Password', password),
    submit);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearMessages(card);
      const body = {kind, user: user.value.trim(), password: password.value};
      if (kind === 'iam') body.account = account.value.trim();
      if (!body.user || !body.password || (kind === 'iam' && !body.account)) {
        showError(card, {code: 'MissingField', message: 'Fill in every field to sign in.'});
        return;
      }
      submit.disabled = true;
      submit.textContent = 'Signing in…';
      try {
        await signIn(body);
        password.value = '';
        if (kind === 'iam') localStorage.setItem('coffer.account', body.account);
        else localStorage.setItem('coffer.rootUser', body.user);
        navigate(currentSession().passwordResetRequired ? '#/password' : '#/');
      } catch (e) {
        password.value = '';
        showError(card, e);
        submit.disabled = false;
        submit.textContent = 'Sign in';
        password.focus();
      }
    });
    card.replaceChildren(
      h('h1', 'Sign in'),
      tabs([['root', 'Root user'], ['iam', 'IAM user']], kind, (k) => { kind = k; paint(); card.querySelector(`#tab-${k}`).focus(); }),
      h('p.hint', kind === 'root'
        ? 'The account owner with unrestricted access. Use it for administration only, and give everyday work to IAM users.'
        : 'A user in your account, with the permissions its policies grant.'),
      h('div.messages', {'aria-live': 'polite'}),
      form);
    setTimeout(() => (kind === 'iam' && !account.value ? account : (user.value ? password : user)).focus(), 0);
  }
  paint();
  return wrap;
}

// forced: the session may do nothing else until the password is changed.
export function passwordPage(forced) {
  const old = h('input', {type: 'password', autocomplete: 'current-password', name: 'old'});
  const pw1 = h('input', {type: 'password', autocomplete: 'new-password', name: 'new'});
  const pw2 = h('input', {type: 'password', autocomplete: 'new-password', name: 'confirm'});
  const submit = h('button.primary.wide', {type: 'submit'}, 'Change password');
  const card = h('div.signin-card');
  const form = h('form', {novalidate: true}, field('Current password', old),
    field('New password', pw1, 'It must satisfy the account\'s password policy.'),
    field('Confirm new password', pw2), submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearMessages(card);
    if (pw1.value !== pw2.value) {
      showError(card, {code: 'PasswordMismatch', message: 'The new passwords do not match.'});
      pw2.focus();
      return;
    }
    submit.disabled = true;
    try {
      await changePassword(old.value, pw1.value);
      old.value = pw1.value = pw2.value = '';
      navigate('#/');
    } catch (e) {
      showError(card, e);
      submit.disabled = false;
    }
  });
  const s = currentSession();
  card.append(h('h1', forced ? 'Change your password' : 'Change password'),
    forced ? h('p', `You must change the password of ${s.principal.name} before you continue.`) : null,
    h('div.messages', {'aria-live': 'polite'}), form,
    forced ? h('p.hint', h('button.link', {type: 'button', onclick: async () => { await signOut(); navigate('#/signin'); }}, 'Sign out instead'))
      : h('p.hint', h('a', {href: '#/'}, 'Back to the console')));
  setTimeout(() => old.focus(), 0);
  return h('main.signin', {id: 'main'},
    h('div.signin-brand', h('img', {src: '/assets/logo.svg', alt: '', width: '48', height: '48'}), h('span', 'coffer console')), card);
}

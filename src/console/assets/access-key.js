// access-key.js - the Create access key dialog: a use-case choice with AWS's
// best-practice advice, an optional description tag, then the key id and
// secret shown once. The secret exists only in the CreateAccessKey answer this
// dialog receives: it is never stored, and closing the dialog removes it from
// the page and drops every reference to it.
import {iam, info, text, first} from './api.js';
import {h, dialog, field, showError, copyText} from './ui.js';

const USE_CASES = [
  ['cli', 'Command Line Interface (CLI)', 'You plan to use this key with the AWS CLI.',
    'Prefer temporary credentials: an IAM role assumed with `aws sts assume-role`, or `aws sts get-session-token`, expire by themselves.'],
  ['local', 'Local code', 'You plan to use this key in code on your own machine (an SDK).',
    'SDKs read temporary credentials from a profile with `role_arn`; keep long-term keys out of source code and repositories.'],
  ['compute', 'Application running on a server you run', 'A service or job that reaches coffer from one of your machines.',
    'Give the application a role and let it obtain temporary credentials with AssumeRole instead of a key that never expires.'],
  ['thirdparty', 'Third-party service', 'A backup tool, a gateway or another product that stores objects here.',
    'Give the service its own user with only the permissions it needs, and rotate its key regularly.'],
  ['other', 'Other', 'Your use case is not listed.',
    'Whatever the use, grant least privilege and rotate keys at least every 90 days.'],
];

// CSV as `aws configure import --csv` accepts it: a "User name" column names the profile.
export function credentialsCsv(user, akid, secret) {
  return `User name,Access key ID,Secret access key\n${user},${akid},${secret}\n`;
}

export function credentialsSnippet(user, akid, secret, facts) {
  return `[${user}]\naws_access_key_id = ${akid}\naws_secret_access_key = ${secret}\n` +
    (facts ? `region = ${facts.region}\nendpoint_url = ${facts.s3Endpoint}\n` : '');
}

// onDone runs after the dialog closed (the page reloads its key list).
export function createAccessKeyDialog(userName, onDone) {
  let useCase = null;
  let description = '';
  let created = null; // {akid, secret} while the last step is on screen, then null
  let csvUrl = null;
  let dlg;

  const body = h('div.keywizard');
  const footer = h('div.dialog-actions');

  function stepUseCase() {
    const advice = h('div.advice', {'aria-live': 'polite'});
    const understood = h('input', {type: 'checkbox', name: 'understood'});
    const next = h('button.primary', {type: 'button', disabled: true}, 'Next');
    const update = () => { next.disabled = !(useCase && understood.checked); };
    understood.addEventListener('change', update);
    const options = USE_CASES.map(([key, label, hint, best]) => h('label.option',
      h('input', {type: 'radio', name: 'usecase', value: key, checked: useCase === key, onchange: () => {
        useCase = key;
        advice.replaceChildren(h('h3', 'Alternatives recommended'), h('p', best),
          h('p', 'Access keys are long-term credentials: anyone who holds one acts as this user until it is deactivated.'));
        update();
      }}), h('span', h('strong', label), h('span.hint', hint))));
    body.replaceChildren(h('h3', 'Step 1 of 3: Access key best practices & alternatives'),
      h('fieldset.options', h('legend', 'Use case'), options), advice,
      h('label.check', understood, ' I understand the above recommendation and want to proceed to create an access key.'));
    next.addEventListener('click', stepDescription);
    footer.replaceChildren(h('button', {type: 'button', onclick: () => dlg.close()}, 'Cancel'), next);
  }

  function stepDescription() {
    const desc = h('input', {name: 'description', maxlength: '256', value: description, autocomplete: 'off'});
    const create = h('button.primary', {type: 'button'}, 'Create access key');
    body.replaceChildren(h('h3', 'Step 2 of 3: Set description tag (optional)'),
      field('Description tag value', desc, 'Say where this key will be used; it is stored as a tag on the user, keyed by the access key ID.'));
    create.addEventListener('click', async () => {
      description = desc.value.trim();
      create.disabled = true;
      try {
        const doc = await iam('CreateAccessKey', {UserName: userName});
        const key = first(doc, 'AccessKey');
        created = {akid: text(key, 'AccessKeyId'), secret: text(key, 'SecretAccessKey')};
        key.remove(); // the parsed answer holds the secret too
        if (description) {
          try {
            await iam('TagUser', {UserName: userName, 'Tags.member.1.Key': created.akid, 'Tags.member.1.Value': description});
          } catch (e) { showError(dlg, e); }
        }
        await stepRetrieve();
      } catch (e) {
        create.disabled = false;
        showError(dlg, e);
      }
    });
    footer.replaceChildren(h('button', {type: 'button', onclick: stepUseCase}, 'Previous'), create);
    desc.focus();
  }

  async function stepRetrieve() {
    let facts = null;
    try { facts = await info(); } catch { /* the snippet just lacks the endpoint */ }
    const akid = created.akid;
    const secretEl = h('code#new-secret.secret', '•'.repeat(16));
    const showBtn = h('button.small', {type: 'button', 'aria-pressed': 'false'}, 'Show');
    showBtn.addEventListener('click', () => {
      const shown = showBtn.getAttribute('aria-pressed') === 'true';
      secretEl.textContent = shown ? '•'.repeat(16) : created.secret;
      showBtn.setAttribute('aria-pressed', shown ? 'false' : 'true');
      showBtn.textContent = shown ? 'Show' : 'Hide';
    });
    const copyBtn = (what, label) => {
      const b = h('button.small', {type: 'button', 'aria-label': label}, 'Copy');
      b.addEventListener('click', () => copyText(what(), b));
      return b;
    };
    csvUrl = URL.createObjectURL(new Blob([credentialsCsv(userName, akid, created.secret)], {type: 'text/csv'}));
    const snippet = h('pre#credentials-snippet.snippet', '');
    const snippetBox = h('details.snippet-box', h('summary', 'Show ~/.aws/credentials snippet'), snippet,
      copyBtn(() => credentialsSnippet(userName, created.akid, created.secret, facts), 'Copy the credentials snippet'),
      h('p.hint', 'endpoint_url is read by AWS CLI 2.13 and later and current SDKs; with older tools add --endpoint-url ',
        facts ? h('code', facts.s3Endpoint) : 'the endpoint', '.'));
    snippetBox.addEventListener('toggle', () => {
      snippet.textContent = snippetBox.open ? credentialsSnippet(userName, created.akid, created.secret, facts) : '';
    });
    body.replaceChildren(h('h3', 'Step 3 of 3: Retrieve access keys'),
      h('div.banner.warn', {role: 'note'}, h('strong', 'This is the only time the secret access key can be viewed or downloaded. '),
        'You cannot recover it later. You can create a new access key at any time.'),
      h('table.keytable', h('thead', h('tr', h('th', {scope: 'col'}, 'Access key'), h('th', {scope: 'col'}, 'Secret access key'))),
        h('tbody', h('tr',
          h('td', h('code#new-akid', akid), ' ', copyBtn(() => akid, 'Copy the access key ID')),
          h('td', secretEl, ' ', showBtn, ' ', copyBtn(() => created.secret, 'Copy the secret access key'))))),
      snippetBox,
      h('p', 'Never store your access key in plain text, in a code repository, or in code. Disable or delete it when it is no longer needed.'));
    const download = h('a.button#download-csv', {href: csvUrl, download: `${userName}_accessKeys.csv`}, 'Download .csv file');
    footer.replaceChildren(download, h('button.primary#key-done', {type: 'button', onclick: () => dlg.close()}, 'Done'));
    download.focus();
  }

  dlg = dialog(`Create access key for ${userName}`, body, {
    wide: true,
    actions: [footer],
    onClose: () => {
      // Forget the secret: the dialog element is already removed from the page.
      if (csvUrl) URL.revokeObjectURL(csvUrl);
      csvUrl = null;
      const made = created !== null;
      created = null;
      body.replaceChildren();
      if (onDone) onDone(made);
    },
  });
  stepUseCase();
}

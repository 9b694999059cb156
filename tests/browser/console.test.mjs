// console.test.mjs - the web console in a real browser (Debian's chromium driven
// by playwright-core) against a real coffer server, walking the access-key
// guide as a user would: sign in as root, search "IAM", add s3-access-user with
// AmazonS3FullAccess, create an access key, download the .csv and use it with
// the AWS CLI, rotate the key; then a read-only IAM user is refused, CSRF-less
// and cookie-less changes are refused, and the secret appears nowhere after its
// dialog closed. Screenshots of every step go to build/screenshots/.
//
// Run by `make browser` (part of `make test`): COFFER_BIN names the server binary.
import {chromium} from 'playwright-core';
import {spawn, spawnSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = process.env.COFFER_BIN || path.join(ROOT, 'build', 'coffer');
const SHOTS = path.join(ROOT, 'build', 'screenshots');
const AWS = '/usr/bin/aws';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ROOT_PASSWORD = 'Console-' + crypto.randomBytes(9).toString('base64url');
const AUDITOR_PASSWORD = 'Auditor-' + crypto.randomBytes(9).toString('base64url');
const USER = 's3-access-user';

let step = 0;
const t0 = Date.now();
function ok(what) {
  step += 1;
  console.log(`ok ${step} - ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const {port} = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

async function startServer(tmp) {
  const port = await freePort();
  const cport = await freePort();
  const data = path.join(tmp, 'data');
  const logPath = path.join(tmp, 'server.log');
  const log = fs.openSync(logPath, 'a');
  const env = {...process.env, COFFER_ROOT_ACCESS_KEY_ID: AKID, COFFER_ROOT_SECRET_ACCESS_KEY: SECRET,
    COFFER_ROOT_PASSWORD: ROOT_PASSWORD, ASAN_OPTIONS: process.env.ASAN_OPTIONS || 'detect_leaks=1:abort_on_error=0'};
  const proc = spawn(BIN, ['server', '--data', data, '--listen', `127.0.0.1:${port}`, '--console-listen', `127.0.0.1:${cport}`],
    {env, stdio: ['ignore', log, log]});
  const endpoint = `http://127.0.0.1:${port}`;
  const consoleUrl = `http://127.0.0.1:${cport}`;
  for (let i = 0; i < 400; i += 1) {
    if (proc.exitCode !== null) throw new Error('coffer exited at start:\n' + fs.readFileSync(logPath, 'utf8'));
    try {
      const [a, b] = await Promise.all([fetch(endpoint + '/_coffer/health'), fetch(consoleUrl + '/')]);
      if (a.ok && b.ok) return {proc, endpoint, consoleUrl, data, logPath};
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('coffer did not become ready:\n' + fs.readFileSync(logPath, 'utf8'));
}

function stopServer(srv) {
  return new Promise((resolve) => {
    if (srv.proc.exitCode !== null) { resolve(srv.proc.exitCode); return; }
    const timer = setTimeout(() => srv.proc.kill('SIGKILL'), 30000);
    srv.proc.on('exit', (code) => { clearTimeout(timer); resolve(code); });
    srv.proc.kill('SIGTERM');
  });
}

// The AWS CLI with its own config files under `home`; creds: {akid, secret} or {profile}.
function aws(home, endpoint, args, creds = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') &&
    !['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE', 'SSL_CERT_FILE'].includes(k)));
  Object.assign(env, {HOME: home, AWS_CONFIG_FILE: path.join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: ''});
  if (creds.akid) Object.assign(env, {AWS_ACCESS_KEY_ID: creds.akid, AWS_SECRET_ACCESS_KEY: creds.secret});
  if (creds.profile) env.AWS_PROFILE = creds.profile;
  const full = endpoint ? ['--endpoint-url', endpoint, ...args] : args;
  const r = spawnSync(AWS, full, {env, encoding: 'utf8', timeout: 60000});
  return {code: r.status, out: r.stdout || '', err: r.stderr || ''};
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-browser-'));
  fs.mkdirSync(SHOTS, {recursive: true});
  const srv = await startServer(tmp);
  const userHome = path.join(tmp, 'user-cli');
  fs.mkdirSync(userHome);
  const browser = await chromium.launch({executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu']});
  const secrets = [];
  let failed = null;
  try {
    const ctx = await browser.newContext({viewport: {width: 1280, height: 820}, acceptDownloads: true});
    ctx.setDefaultTimeout(15000);
    const page = await ctx.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const shot = (name) => page.screenshot({path: path.join(SHOTS, `${name}.png`), fullPage: true});
    const banner = () => page.locator('.banner.error').first();
    // IAM calls as root through the root's own console session (the same IAM
    // code as the API; much faster than starting the AWS CLI for set-up).
    const rootIam = (params) => page.evaluate(async (body) => {
      const csrf = (await (await fetch('/api/session')).json()).csrf;
      const res = await fetch('/api/iam', {method: 'POST', body,
        headers: {'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf}});
      return {status: res.status, body: await res.text()};
    }, new URLSearchParams({Version: '2010-05-08', ...params}).toString());

    // 1. Sign in as the root user (wrong password first: the answer names no detail).
    await page.goto(srv.consoleUrl + '/');
    await page.getByLabel('Root user name').fill('root');
    await shot('01-sign-in');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', {name: 'Sign in'}).click();
    await banner().waitFor();
    check((await banner().textContent()).startsWith('InvalidCredentials:'), 'a wrong password shows InvalidCredentials');
    await page.getByLabel('Password').fill(ROOT_PASSWORD);
    await page.getByRole('button', {name: 'Sign in'}).click();
    await page.getByRole('heading', {name: /Welcome/}).waitFor();
    await shot('02-home');
    ok('root signs in (a wrong password is refused with InvalidCredentials)');

    // 2. Search "IAM" in the top bar, as the guide's step 2 says.
    await page.getByRole('combobox', {name: 'Search pages and users'}).fill('IAM');
    await page.getByRole('option', {name: /IAM \(Identity and Access Management\)/}).waitFor();
    await shot('03-search-iam');
    await page.getByRole('option', {name: /IAM \(Identity and Access Management\)/}).click();
    await page.getByRole('heading', {name: 'IAM dashboard'}).waitFor();
    await shot('04-iam-dashboard');
    ok('search "IAM" finds the IAM page');

    // 3-4. Users > Add users: s3-access-user with AmazonS3FullAccess.
    await page.getByRole('navigation', {name: 'Console'}).getByRole('link', {name: 'Users', exact: true}).click();
    await page.getByRole('heading', {name: 'Users'}).waitFor();
    await page.getByText('No users yet.').waitFor();
    await page.getByRole('link', {name: 'Add users'}).click();
    await page.getByLabel('User name').fill(USER);
    check(await page.getByLabel(/Access key – Programmatic access/).isChecked(), 'programmatic access is offered');
    await shot('05-add-user-details');
    await page.getByRole('button', {name: 'Next'}).click();
    await page.getByPlaceholder('Filter policies by name').fill('AmazonS3');
    await page.getByRole('checkbox', {name: /AmazonS3FullAccess/}).check();
    await shot('06-add-user-permissions');
    await page.getByRole('button', {name: 'Next'}).click();
    await page.getByText('AmazonS3FullAccess').waitFor();
    await page.getByRole('button', {name: 'Create user'}).click();
    await page.getByRole('heading', {name: USER}).waitFor();
    await page.getByRole('tab', {name: 'Security credentials', selected: true}).waitFor();
    const attached = await rootIam({Action: 'ListAttachedUserPolicies', UserName: USER});
    check(attached.status === 200 && attached.body.includes('arn:aws:iam::aws:policy/AmazonS3FullAccess'), 'the policy is attached: ' + attached.body);
    ok('Add user creates s3-access-user with AmazonS3FullAccess');

    // 5. Security credentials > Create access key; key shown once; .csv downloaded.
    async function createKey(shotName) {
      await page.getByRole('button', {name: 'Create access key'}).click();
      const dlg = page.getByRole('dialog');
      await dlg.getByLabel(/Command Line Interface/).check();
      await dlg.getByText('Alternatives recommended').waitFor();
      await dlg.getByLabel(/I understand the above recommendation/).check();
      if (shotName) await shot(`${shotName}-best-practices`);
      await dlg.getByRole('button', {name: 'Next'}).click();
      await dlg.getByLabel('Description tag value').fill('laptop CLI');
      await dlg.getByRole('button', {name: 'Create access key'}).click();
      await dlg.locator('#new-akid').waitFor();
      if (shotName) await shot(`${shotName}-retrieve`);
      const akid = (await dlg.locator('#new-akid').textContent()).trim();
      await dlg.getByRole('button', {name: 'Show', exact: true}).click();
      const secret = (await dlg.locator('#new-secret').textContent()).trim();
      check(/^AKIA[A-Z0-9]{16}$/.test(akid) && secret.length === 40, `key id ${akid} and a 40-character secret are shown`);
      await dlg.getByText('Show ~/.aws/credentials snippet').click();
      await dlg.locator('#credentials-snippet').filter({hasText: 'aws_secret_access_key'}).waitFor();
      const snippet = await dlg.locator('#credentials-snippet').textContent();
      const download = page.waitForEvent('download');
      await dlg.getByRole('link', {name: 'Download .csv file'}).click();
      const csvPath = path.join(tmp, `${akid}.csv`);
      await (await download).saveAs(csvPath);
      secrets.push(secret);
      await dlg.getByRole('button', {name: 'Done'}).click();
      await page.getByRole('dialog').waitFor({state: 'detached'});
      await page.locator(`[data-akid="${akid}"]`).waitFor();
      return {akid, secret, snippet, csvPath};
    }
    const key1 = await createKey('07-access-key');
    const csv = fs.readFileSync(key1.csvPath, 'utf8');
    check(csv === `User name,Access key ID,Secret access key\n${USER},${key1.akid},${key1.secret}\n`, 'the .csv has the user name, key id and secret: ' + csv);
    check(key1.snippet.includes(`aws_secret_access_key = ${key1.secret}`) && key1.snippet.includes(`endpoint_url = ${srv.endpoint}`), 'the credentials snippet');
    await shot('08-security-credentials');
    ok('Create access key shows the key once; .csv downloaded');

    // The secret is gone from the page, and no later answer carries it.
    const html = await page.evaluate(() => document.documentElement.outerHTML);
    check(!html.includes(key1.secret), 'the secret is not in the page after the dialog closed');
    check(html.includes(key1.akid), 'the key id is listed');
    const later = await page.evaluate(async (user) => {
      const csrf = (await (await fetch('/api/session')).json()).csrf;
      const post = (body) => fetch('/api/iam', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': csrf}, body})
        .then((r) => r.text());
      return [await post(`Action=ListAccessKeys&Version=2010-05-08&UserName=${user}`),
        await post(`Action=GetUser&Version=2010-05-08&UserName=${user}`),
        await post('Action=GenerateCredentialReport&Version=2010-05-08'),
        await post('Action=GetCredentialReport&Version=2010-05-08'),
        await (await fetch('/api/events?limit=50')).text()].join('\n');
    }, USER);
    check(later.includes(key1.akid) && !later.includes(key1.secret), 'later API answers do not carry the secret');
    await page.reload();
    await page.locator(`[data-akid="${key1.akid}"]`).waitFor();
    check(!(await page.content()).includes(key1.secret), 'the secret is not on the reloaded page');
    ok('the secret is not in the page or in later API answers');

    // The .csv imports as is; the key lists and copies objects with the AWS CLI.
    const imp = aws(userHome, null, ['configure', 'import', '--csv', `file://${key1.csvPath}`]);
    check(imp.code === 0, 'aws configure import --csv: ' + imp.out + imp.err);
    const asUser = (args) => aws(userHome, srv.endpoint, args, {profile: USER});
    // Root creates the bucket on the Buckets page.
    await page.goto(srv.consoleUrl + '/#/s3');
    await page.getByText('No buckets yet.').waitFor();
    await page.getByRole('button', {name: 'Create bucket'}).click();
    await page.getByRole('dialog').getByLabel('Bucket name').fill('guide-bucket');
    await page.getByRole('dialog').getByRole('button', {name: 'Create bucket'}).click();
    await page.getByRole('heading', {name: 'guide-bucket'}).waitFor();
    await page.getByText('This bucket is empty.').waitFor();
    const local = path.join(tmp, 'hello.txt');
    fs.writeFileSync(local, 'hello from the console test\n');
    let r = asUser(['s3', 'cp', local, 's3://guide-bucket/docs/hello.txt']);
    check(r.code === 0, 'cp up with the new key: ' + r.err);
    r = asUser(['s3', 'cp', 's3://guide-bucket/docs/hello.txt', 's3://guide-bucket/docs/copy.txt']);
    check(r.code === 0, 'cp within the bucket: ' + r.err);
    r = asUser(['s3', 'ls', 's3://guide-bucket/docs/']);
    check(r.code === 0 && r.out.includes('hello.txt') && r.out.includes('copy.txt'), 'ls lists both objects: ' + r.out + r.err);
    r = asUser(['s3', 'cp', 's3://guide-bucket/docs/copy.txt', path.join(tmp, 'back.txt')]);
    check(r.code === 0 && fs.readFileSync(path.join(tmp, 'back.txt'), 'utf8') === 'hello from the console test\n', 'cp down: ' + r.err);
    ok('the downloaded .csv works with the AWS CLI (import, ls, cp)');

    // Rotate: a second key, the first made inactive, then deleted.
    await page.goto(srv.consoleUrl + `/#/iam/users/${USER}?tab=credentials`);
    await page.locator(`[data-akid="${key1.akid}"]`).waitFor();
    const key2 = await createKey(null);
    check(await page.getByRole('button', {name: 'Create access key'}).isDisabled(), 'a third key cannot be requested');
    fs.writeFileSync(path.join(userHome, 'credentials'), key2.snippet.replace(/^endpoint_url.*$/m, ''));
    r = aws(userHome, srv.endpoint, ['s3', 'ls', 's3://guide-bucket/docs/'], {profile: USER});
    check(r.code === 0 && r.out.includes('hello.txt'), 'the second key works from the snippet: ' + r.out + r.err + key2.snippet);
    const card1 = page.locator(`[data-akid="${key1.akid}"]`);
    await card1.getByRole('button', {name: 'Make inactive'}).click();
    await page.getByText(`${key1.akid} is now inactive.`).waitFor();
    await page.locator(`[data-akid="${key1.akid}"]`).getByText('Inactive', {exact: true}).waitFor();
    await shot('09-rotate-inactive');
    r = aws(userHome, srv.endpoint, ['s3', 'ls', 's3://guide-bucket'], {akid: key1.akid, secret: key1.secret});
    check(r.code !== 0 && r.err.includes('InvalidAccessKeyId'), 'the inactive key is refused: ' + r.err);
    await page.locator(`[data-akid="${key1.akid}"]`).getByRole('button', {name: 'Delete'}).click();
    const confirm = page.getByRole('dialog');
    check((await confirm.textContent()).includes(key1.akid), 'the confirmation names the key');
    check(await confirm.getByRole('button', {name: 'Delete'}).isDisabled(), 'delete waits for the typed key id');
    await confirm.getByRole('textbox').fill(key1.akid);
    await shot('10-rotate-delete-confirm');
    await confirm.getByRole('button', {name: 'Delete'}).click();
    await page.getByText(`Access key ${key1.akid} deleted.`).waitFor();
    check(await page.locator(`[data-akid="${key1.akid}"]`).count() === 0, 'the deleted key is gone from the page');
    r = aws(userHome, srv.endpoint, ['s3', 'ls', 's3://guide-bucket'], {akid: key1.akid, secret: key1.secret});
    check(r.code !== 0 && r.err.includes('InvalidAccessKeyId'), 'the deleted key is refused: ' + r.err);
    ok('rotation: second key, first inactive (refused), first deleted (InvalidAccessKeyId)');

    // Users list: groups, key age, console access.
    await page.goto(srv.consoleUrl + '/#/iam/users');
    await page.getByRole('link', {name: USER}).waitFor();
    await shot('11-users');
    ok('the users list shows the user');

    // Buckets: browse as folders, upload two files with progress, details, download.
    await page.goto(srv.consoleUrl + '/#/s3');
    await page.getByRole('link', {name: 'guide-bucket'}).click();
    await page.getByRole('link', {name: 'docs/'}).click();
    await page.getByRole('link', {name: 'hello.txt'}).waitFor();
    const up1 = path.join(tmp, 'notes.txt');
    const up2 = path.join(tmp, 'data.bin');
    fs.writeFileSync(up1, 'notes\n');
    fs.writeFileSync(up2, crypto.randomBytes(300 * 1024));
    await page.locator('#upload-input').setInputFiles([up1, up2]);
    await page.getByText('2 file(s) uploaded.').waitFor();
    await page.getByRole('link', {name: 'data.bin'}).waitFor();
    await shot('12-bucket-browse-upload');
    r = asUser(['s3api', 'head-object', '--bucket', 'guide-bucket', '--key', 'docs/data.bin']);
    check(r.code === 0 && JSON.parse(r.out).ContentLength === 300 * 1024, 'the upload landed: ' + r.out + r.err);
    await page.getByRole('link', {name: 'data.bin'}).click();
    await page.getByRole('heading', {name: 'Object overview'}).waitFor();
    check((await page.textContent('main')).includes('307200 bytes'), 'object details show the size');
    await shot('13-object-details');
    const dl = page.waitForEvent('download');
    await page.getByRole('link', {name: 'Download'}).click();
    const got = path.join(tmp, 'got.bin');
    await (await dl).saveAs(got);
    check(fs.readFileSync(got).equals(fs.readFileSync(up2)), 'the download has the uploaded bytes');
    ok('buckets: folders, multi-file upload, object details, download');

    // Event history shows the console's changes by root.
    await page.goto(srv.consoleUrl + '/#/events');
    await page.getByRole('cell', {name: 'CreateAccessKey'}).first().waitFor();
    await shot('14-event-history');
    ok('event history lists the console actions');

    // Policies, credential report and simulator pages render with data.
    await page.goto(srv.consoleUrl + '/#/iam/report');
    await page.getByRole('cell', {name: USER}).waitFor();
    await shot('15-credential-report');
    await page.goto(srv.consoleUrl + '/#/iam/simulator');
    await page.getByLabel('Actions').fill('s3:GetObject iam:CreateUser');
    await page.getByRole('button', {name: 'Run simulation'}).click();
    await page.getByRole('heading', {name: 'Results'}).waitFor();
    const sim = await page.textContent('.results');
    check(sim.includes('Allowed') && sim.includes('Denied') && sim.includes('AmazonS3FullAccess'), 'the simulator decides and names the statement: ' + sim);
    await shot('16-policy-simulator');
    await page.goto(srv.consoleUrl + '/#/iam/policies');
    await page.getByRole('link', {name: 'AmazonS3FullAccess'}).click();
    await page.getByRole('heading', {name: /Permissions defined in this policy/}).waitFor();
    await shot('17-policy');
    // Create policy: the editor names a mistake by line as it is typed.
    await page.goto(srv.consoleUrl + '/#/iam/policies/new');
    await page.getByLabel('Policy name').fill('read-guide');
    const editor = page.getByLabel('Policy document');
    await editor.fill('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:GetObject" "Resource": "*"}\n  ]\n}');
    await page.locator('.problems').getByText('Line 4:').waitFor();
    await shot('18-policy-editor-error');
    await editor.fill('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::guide-bucket/*"}\n  ]\n}');
    await page.locator('.problems').getByText('Valid policy syntax.').waitFor();
    await page.getByRole('button', {name: 'Create policy'}).click();
    await page.getByRole('heading', {name: 'read-guide'}).waitFor();
    ok('credential report, simulator, policy pages; the policy editor flags a line, then creates');

    // A read-only IAM user signs in (changing the password it must reset),
    // sees the users, and is refused with AWS's AccessDenied when adding one.
    for (const params of [{Action: 'CreateUser', UserName: 'auditor'},
      {Action: 'AttachUserPolicy', UserName: 'auditor', PolicyArn: 'arn:aws:iam::aws:policy/IAMReadOnlyAccess'},
      {Action: 'AttachUserPolicy', UserName: 'auditor', PolicyArn: 'arn:aws:iam::aws:policy/IAMUserChangePassword'},
      {Action: 'CreateLoginProfile', UserName: 'auditor', Password: AUDITOR_PASSWORD, PasswordResetRequired: 'true'}]) {
      const res = await rootIam(params);
      check(res.status === 200, `${params.Action} for auditor: ${res.body}`);
    }
    const account = await page.evaluate(async () => (await (await fetch('/api/info')).json()).account);
    const ctx2 = await browser.newContext({viewport: {width: 1280, height: 820}});
    ctx2.setDefaultTimeout(15000);
    const p2 = await ctx2.newPage();
    p2.on('pageerror', (e) => pageErrors.push(e.message));
    await p2.goto(srv.consoleUrl + '/');
    await p2.getByRole('tab', {name: 'IAM user'}).click();
    await p2.getByLabel(/Account ID/).fill(account);
    await p2.getByLabel('IAM user name').fill('auditor');
    await p2.getByLabel('Password').fill(AUDITOR_PASSWORD);
    await p2.screenshot({path: path.join(SHOTS, '19-sign-in-iam-user.png')});
    await p2.getByRole('button', {name: 'Sign in'}).click();
    await p2.getByRole('heading', {name: 'Change your password'}).waitFor();
    const newPw = AUDITOR_PASSWORD + '-2';
    await p2.getByLabel('Current password').fill(AUDITOR_PASSWORD);
    await p2.getByLabel('New password', {exact: true}).fill(newPw);
    await p2.getByLabel('Confirm new password').fill(newPw);
    await p2.screenshot({path: path.join(SHOTS, '20-change-password.png')});
    await p2.getByRole('button', {name: 'Change password'}).click();
    await p2.getByRole('heading', {name: /Welcome, auditor/}).waitFor();
    await p2.goto(srv.consoleUrl + '/#/iam/users');
    await p2.getByRole('link', {name: USER}).waitFor();
    await p2.getByRole('link', {name: 'Add users'}).click();
    await p2.getByLabel('User name').fill('not-allowed');
    await p2.getByLabel(/Access key – Programmatic access/).uncheck();
    await p2.getByRole('button', {name: 'Next'}).click();
    await p2.getByRole('button', {name: 'Next'}).click();
    await p2.getByRole('button', {name: 'Create user'}).click();
    const denied = p2.locator('.banner.error').first();
    await denied.waitFor();
    const deniedText = await denied.textContent();
    check(deniedText.startsWith(`AccessDenied: User: arn:aws:iam::${account}:user/auditor is not authorized to perform: iam:CreateUser`),
      'AWS\'s AccessDenied message is shown: ' + deniedText);
    await p2.screenshot({path: path.join(SHOTS, '21-read-only-denied.png'), fullPage: true});
    const none = await rootIam({Action: 'GetUser', UserName: 'not-allowed'});
    check(none.status === 404 && none.body.includes('<Code>NoSuchEntity</Code>'), 'nothing was created: ' + none.body);
    ok('read-only IAM user: forced password change, sees users, AccessDenied on Add user, nothing created');

    // CSRF-less and cookie-less changes are refused and change nothing.
    const csrfless = await p2.evaluate(async () => {
      const body = 'Action=CreateUser&Version=2010-05-08&UserName=csrf-victim';
      const a = await fetch('/api/iam', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded'}, body});
      const b = await fetch('/api/iam', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': 'forged'}, body});
      const c = await fetch('/api/s3/csrf-bucket', {method: 'PUT'});
      return [[a.status, await a.text()], [b.status, await b.text()], [c.status, await c.text()]];
    });
    for (const [status, body] of csrfless) {
      check(status === 403 && JSON.parse(body).error.code === 'InvalidCsrfToken', `CSRF-less change refused: ${status} ${body}`);
    }
    const sessionRootCsrf = await page.evaluate(async () => (await (await fetch('/api/session')).json()).csrf);
    const nocookie = [
      await fetch(srv.consoleUrl + '/api/iam', {method: 'POST', headers: {'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': sessionRootCsrf},
        body: 'Action=CreateUser&Version=2010-05-08&UserName=csrf-victim'}),
      await fetch(srv.consoleUrl + '/api/s3/csrf-bucket', {method: 'PUT', headers: {'X-CSRF-Token': sessionRootCsrf}}),
    ];
    for (const res of nocookie) {
      const body = await res.text();
      check(res.status === 401 && JSON.parse(body).error.code === 'NotSignedIn', `cookie-less change refused: ${res.status} ${body}`);
    }
    const victim = await rootIam({Action: 'GetUser', UserName: 'csrf-victim'});
    check(victim.status === 404 && victim.body.includes('<Code>NoSuchEntity</Code>'), 'no user was created by the refused requests: ' + victim.body);
    const bucketStatus = await page.evaluate(async () => (await fetch('/api/s3/csrf-bucket', {method: 'HEAD'})).status);
    check(bucketStatus === 404, `no bucket was created by the refused requests (HEAD: ${bucketStatus})`);
    ok('CSRF-less (403 InvalidCsrfToken) and cookie-less (401 NotSignedIn) changes are refused and change nothing');

    // Sign out ends the session.
    await page.getByText('Root user').click();
    await page.getByRole('button', {name: 'Sign out'}).click();
    await page.getByRole('heading', {name: 'Sign in'}).waitFor();
    const after = await page.evaluate(async () => (await fetch('/api/session')).status);
    check(after === 401, 'the session is gone after sign-out');
    ok('sign out');

    check(pageErrors.length === 0, 'no script errors in the page: ' + pageErrors.join('; '));
    await ctx2.close();
    await ctx.close();
  } catch (e) {
    failed = e;
  } finally {
    await browser.close();
  }

  const rc = await stopServer(srv);
  const log = fs.readFileSync(srv.logPath, 'utf8');
  if (!failed) {
    try {
      check(rc === 0, `coffer shut down cleanly (rc=${rc})`);
      check(!log.includes('ERROR: AddressSanitizer') && !log.includes('runtime error:'), 'no sanitizer reports');
      // The secrets are nowhere in the server's log or data directory.
      const files = [];
      const walk = (d) => { for (const e of fs.readdirSync(d, {withFileTypes: true})) (e.isDirectory() ? walk : (f) => files.push(f))(path.join(d, e.name)); };
      walk(srv.data);
      for (const s of secrets) {
        check(!log.includes(s) && !log.includes(encodeURIComponent(s)), 'the secret is not in the server log');
        for (const f of files) {
          const bytes = fs.readFileSync(f);
          check(!bytes.includes(s) && !bytes.includes(encodeURIComponent(s)), `the secret is not in ${path.relative(srv.data, f)}`);
        }
      }
      check(!log.includes(ROOT_PASSWORD) && !log.includes(AUDITOR_PASSWORD), 'no password in the server log');
      ok(`the secrets are in no log line and no file of the data directory (${files.length} files)`);
    } catch (e) {
      failed = e;
    }
  }
  if (failed) {
    console.log(`not ok ${step + 1} - ${failed.message}`);
    console.log('--- server log (tail) ---\n' + log.slice(-4000));
    console.log(`screenshots: ${SHOTS}; data left in ${tmp}`);
    process.exit(1);
  }
  fs.rmSync(tmp, {recursive: true, force: true});
  console.log(`BROWSER TESTS OK: ${step} steps in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in build/screenshots/`);
}

main().catch((e) => { console.error(e); process.exit(1); });

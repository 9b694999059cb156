// policy-editor.js - a JSON policy editor that checks the text as it is typed
// and names each problem by line: JSON syntax first, then the policy grammar
// (Version, Statement, Effect, Action, Resource, Principal, Condition). The
// server still has the last word; this only catches mistakes early.
import {h, uid} from './ui.js';

class JsonError extends Error {
  constructor(message, line) {
    super(message);
    this.line = line;
  }
}

// A small JSON parser that remembers the line of every value and key, so a
// grammar problem can point at its line. Nodes: {t, v, line, entries|items}.
export function parseJson(text) {
  let i = 0;
  let line = 1;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) {
      if (text[i] === '\n') line += 1;
      i += 1;
    }
  };
  const fail = (msg) => { throw new JsonError(msg, line); };
  const expect = (ch, what) => {
    ws();
    if (text[i] !== ch) fail(`Expected ${what} but found ${i < text.length ? `'${text[i]}'` : 'the end of the text'}.`);
    i += 1;
  };
  function str() {
    const start = line;
    i += 1;
    let out = '';
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\n') fail('A string may not span lines; close it with ".');
      if (text[i] === '\\') {
        const esc = text[i + 1];
        const map = {'"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t'};
        if (esc === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        if (!(esc in map)) fail(`Invalid escape \\${esc || ''} in a string.`);
        out += map[esc];
        i += 2;
        continue;
      }
      out += text[i];
      i += 1;
    }
    if (i >= text.length) { line = start; fail('A string is not closed: add the missing ".'); }
    i += 1;
    return {t: 'str', v: out, line: start};
  }
  function value() {
    ws();
    const at = line;
    const c = text[i];
    if (c === '{') {
      i += 1;
      const entries = [];
      ws();
      if (text[i] === '}') { i += 1; return {t: 'obj', entries, line: at}; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === '}' ? 'Remove the comma before }.' : 'Expected a property name in double quotes.');
        const key = str();
        if (entries.some((e) => e.key === key.v)) fail(`Duplicate key "${key.v}".`);
        expect(':', "':' after the property name");
        const v = value();
        entries.push({key: key.v, line: key.line, node: v});
        ws();
        if (text[i] === ',') { i += 1; continue; }
        if (text[i] === '}') { i += 1; return {t: 'obj', entries, line: at}; }
        fail(i < text.length ? `Expected ',' or '}' after a property value, found '${text[i]}'.` : 'The object is not closed: add }.');
      }
    }
    if (c === '[') {
      i += 1;
      const items = [];
      ws();
      if (text[i] === ']') { i += 1; return {t: 'arr', items, line: at}; }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i += 1;
          ws();
          if (text[i] === ']') fail('Remove the comma before ].');
          continue;
        }
        if (text[i] === ']') { i += 1; return {t: 'arr', items, line: at}; }
        fail(i < text.length ? `Expected ',' or ']' in a list, found '${text[i]}'.` : 'The list is not closed: add ].');
      }
    }
    if (c === '"') return str();
    const m = /^(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (m) {
      i += m[0].length;
      if (m[0] === 'null') return {t: 'null', v: null, line: at};
      if (m[0] === 'true' || m[0] === 'false') return {t: 'bool', v: m[0] === 'true', line: at};
      return {t: 'num', v: Number(m[0]), line: at};
    }
    if (i >= text.length) fail('The document ends where a value was expected.');
    if (c === "'") fail('Use double quotes (") for strings, not single quotes.');
    fail(`Unexpected '${c}' where a value was expected.`);
  }
  const root = value();
  ws();
  if (i < text.length) fail(`Unexpected text after the end of the document: '${text[i]}'.`);
  return root;
}

const STATEMENT_KEYS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition'];

function strings(node, name, problems) {
  const list = node.t === 'arr' ? node.items : [node];
  if (node.t === 'arr' && !list.length) problems.push({line: node.line, message: `${name} must not be an empty list.`});
  for (const n of list) if (n.t !== 'str') problems.push({line: n.line, message: `${name} must be a string or a list of strings.`});
  return list.filter((n) => n.t === 'str');
}

// kind: 'identity' (attached to users, groups, roles) or 'trust' (a role's
// AssumeRolePolicyDocument). Returns [{line, message}], empty when valid.
export function checkPolicy(text, kind = 'identity') {
  let root;
  try {
    root = parseJson(text);
  } catch (e) {
    if (e instanceof JsonError) return [{line: e.line, message: e.message}];
    throw e;
  }
  const problems = [];
  const add = (line, message) => problems.push({line, message});
  if (root.t !== 'obj') return [{line: root.line, message: 'A policy is a JSON object: { "Version": …, "Statement": […] }.'}];
  const top = Object.fromEntries(root.entries.map((e) => [e.key, e]));
  for (const e of root.entries) if (!['Version', 'Id', 'Statement'].includes(e.key)) add(e.line, `Unknown top-level element "${e.key}" (allowed: Version, Id, Statement).`);
  if (!top.Version) add(root.line, 'Add "Version": "2012-10-17"; without it policy variables are not supported.');
  else if (top.Version.node.v !== '2012-10-17' && top.Version.node.v !== '2008-10-17') add(top.Version.line, 'Version must be "2012-10-17" (or the older "2008-10-17").');
  if (!top.Statement) { add(root.line, 'A policy needs a "Statement" element.'); return problems; }
  const st = top.Statement.node;
  const statements = st.t === 'arr' ? st.items : [st];
  if (st.t === 'arr' && !statements.length) add(st.line, 'Statement must contain at least one statement.');
  const sids = new Set();
  for (const s of statements) {
    if (s.t !== 'obj') { add(s.line, 'Each statement must be an object { "Effect": …, … }.'); continue; }
    const f = Object.fromEntries(s.entries.map((e) => [e.key, e]));
    for (const e of s.entries) if (!STATEMENT_KEYS.includes(e.key)) add(e.line, `Unknown statement element "${e.key}".`);
    if (f.Sid) {
      if (f.Sid.node.t !== 'str') add(f.Sid.line, 'Sid must be a string.');
      else if (sids.has(f.Sid.node.v)) add(f.Sid.line, `Duplicate Sid "${f.Sid.node.v}".`);
      else sids.add(f.Sid.node.v);
    }
    if (!f.Effect) add(s.line, 'The statement needs "Effect": "Allow" or "Deny".');
    else if (f.Effect.node.v !== 'Allow' && f.Effect.node.v !== 'Deny') add(f.Effect.line, 'Effect must be "Allow" or "Deny".');
    if (f.Action && f.NotAction) add(f.NotAction.line, 'Use Action or NotAction, not both.');
    if (!f.Action && !f.NotAction) add(s.line, 'The statement needs an "Action" (or "NotAction").');
    for (const k of ['Action', 'NotAction']) {
      if (!f[k]) continue;
      for (const a of strings(f[k].node, k, problems)) {
        if (a.v !== '*' && !/^[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+$/.test(a.v)) add(a.line, `"${a.v}" is not an action: write service:Action, as in "s3:GetObject".`);
      }
    }
    if (f.Resource && f.NotResource) add(f.NotResource.line, 'Use Resource or NotResource, not both.');
    for (const k of ['Resource', 'NotResource']) {
      if (!f[k]) continue;
      for (const r of strings(f[k].node, k, problems)) {
        if (r.v !== '*' && !r.v.startsWith('arn:')) add(r.line, `"${r.v}" is not an ARN: resources look like "arn:aws:s3:::bucket/*".`);
      }
    }
    if (kind === 'identity') {
      if (!f.Resource && !f.NotResource) add(s.line, 'The statement needs a "Resource" (for example "*" or "arn:aws:s3:::bucket").');
      for (const k of ['Principal', 'NotPrincipal']) if (f[k]) add(f[k].line, `${k} is not allowed in an identity-based policy.`);
    } else {
      if (!f.Principal && !f.NotPrincipal) add(s.line, 'A trust policy statement needs a "Principal" (who may assume the role).');
      if (f.Principal && f.Principal.node.t !== 'obj' && f.Principal.node.v !== '*') add(f.Principal.line, 'Principal must be "*" or an object such as {"AWS": "arn:aws:iam::123456789012:root"}.');
    }
    if (f.Condition && f.Condition.node.t !== 'obj') add(f.Condition.line, 'Condition must be an object: { "Operator": { "key": "value" } }.');
  }
  return problems.sort((a, b) => a.line - b.line);
}

export const EXAMPLE_IDENTITY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:ListBucket"],
      "Resource": "arn:aws:s3:::example-bucket"
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::example-bucket/*"
    }
  ]
}`;

export function exampleTrust(account) {
  return `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::${account}:root"},
      "Action": "sts:AssumeRole"
    }
  ]
}`;
}

// The editor: a textarea with a line-number gutter and the problem list under
// it. .value() gives the text; .valid() is true when nothing is wrong.
export function policyEditor({label = 'Policy document', text = EXAMPLE_IDENTITY, kind = 'identity', rows = 16} = {}) {
  const id = uid('policy');
  const area = h('textarea.code', {id, rows: String(rows), spellcheck: 'false', autocapitalize: 'off', autocomplete: 'off',
    'aria-describedby': id + '-problems', wrap: 'off'});
  area.value = text;
  const gutter = h('pre.gutter', {'aria-hidden': 'true'});
  const status = h('div.problems', {id: id + '-problems', 'aria-live': 'polite'});
  let problems = [];

  function check() {
    problems = area.value.trim() ? checkPolicy(area.value, kind) : [{line: 1, message: 'The policy document is empty.'}];
    const bad = new Set(problems.map((p) => p.line));
    const n = area.value.split('\n').length;
    gutter.replaceChildren(...Array.from({length: n}, (_, k) => h('span' + (bad.has(k + 1) ? '.bad' : ''), String(k + 1))));
    status.replaceChildren(problems.length
      ? h('ul', problems.map((p) => h('li', h('strong', `Line ${p.line}: `), p.message)))
      : h('p.ok', 'Valid policy syntax.'));
    area.setAttribute('aria-invalid', problems.length ? 'true' : 'false');
    wrap.classList.toggle('has-problems', problems.length > 0);
  }
  area.addEventListener('input', check);
  area.addEventListener('scroll', () => { gutter.scrollTop = area.scrollTop; });
  // Tab indents inside the editor; Escape then Tab leaves it (keyboard users are not trapped).
  let escaped = false;
  area.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') { escaped = true; return; }
    if (ev.key === 'Tab' && !ev.shiftKey && !escaped) {
      ev.preventDefault();
      area.setRangeText('  ', area.selectionStart, area.selectionEnd, 'end');
      check();
    }
    if (ev.key !== 'Tab') escaped = false;
  });
  const wrap = h('div.editor',
    h('label', {for: id}, label),
    h('p.hint', 'JSON, checked as you type. Press Esc then Tab to leave the editor.'),
    h('div.editor-box', gutter, area), status);
  check();
  return {el: wrap, value: () => area.value, valid: () => problems.length === 0, problems: () => problems,
    set: (t) => { area.value = t; check(); }, focus: () => area.focus()};
}

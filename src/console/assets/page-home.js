// page-home.js - the console's landing page: where to go, and the details a
// user needs to point a tool at this server.
import {info} from './api.js';
import {h, page} from './ui.js';

export async function homePage({session}) {
  let facts = null;
  try { facts = await info(); } catch { /* the tiles still work */ }
  const p = session.principal;
  const tile = (href, title, text) => h('a.tile', {href}, h('h2', title), h('p', text));
  return page(`Welcome, ${p.type === 'Root' ? 'root user' : p.name}`, {intro: 'Manage who can do what, and what is stored.'},
    h('div.tiles',
      tile('#/iam', 'IAM', 'Users, groups, roles, policies and access keys.'),
      tile('#/s3', 'Buckets', 'Create buckets, browse, upload and download objects.'),
      tile('#/events', 'Event history', 'Who did what, and why a request was denied.'),
      tile('#/iam/simulator', 'Policy simulator', 'Would this principal be allowed to do that?')),
    facts ? h('section.card', h('h2', 'This server'),
      h('dl.facts',
        h('dt', 'Account ID'), h('dd', h('code', facts.account)),
        h('dt', 'Region'), h('dd', h('code', facts.region)),
        h('dt', 'S3, IAM and STS endpoint'), h('dd', h('code', facts.s3Endpoint)),
        h('dt', 'Console version'), h('dd', facts.consoleVersion || '—')),
      h('p.hint', 'Point the AWS CLI or an SDK at the endpoint: ', h('code', `aws --endpoint-url ${facts.s3Endpoint} s3 ls`))) : null);
}

// page-events.js - event history: the audit log through /api/events, filtered
// by time, principal, event name, bucket and outcome. A denied event shows the
// policy and statement that decided it, so "why was I denied?" has an answer.
import {events} from './api.js';
import {h, page, field, badge, showError, clearMessages, fmtDate} from './ui.js';

export function outcomeOf(ev) {
  if (ev.errorCode === 'AccessDenied' || ev.decidedBy) return 'denied';
  return ev.errorCode ? 'error' : 'allowed';
}

function who(ev) {
  const u = ev.userIdentity || {};
  if (u.type === 'Root') return 'root';
  return u.userName || u.arn || u.principalId || '—';
}

function target(ev) {
  const p = ev.requestParameters || {};
  if (p.bucketName) return p.key ? `${p.bucketName}/${p.key}` : p.bucketName;
  for (const k of ['userName', 'groupName', 'roleName', 'policyArn', 'policyName', 'accessKeyId']) if (p[k]) return p[k];
  return '';
}

const OUTCOME_BADGE = {allowed: ['Allowed', 'ok'], denied: ['Denied', 'bad'], error: ['Error', 'warn']};

function eventRows(ev) {
  const outcome = outcomeOf(ev);
  const detailId = `ev-${ev.eventID || ev.requestID}`;
  const toggle = h('button.small', {type: 'button', 'aria-expanded': 'false', 'aria-controls': detailId}, 'Details');
  const detail = h('tr.detail', {id: detailId, hidden: true}, h('td', {colspan: '6'},
    outcome === 'denied' ? h('p.why', h('strong', 'Why denied: '), ev.decidedBy
      ? ['decided by ', h('code', ev.decidedBy.split('#')[0]), ev.decidedBy.includes('#') ? [', statement ', h('code', ev.decidedBy.split('#')[1])] : ' (statement without Sid)']
      : 'no policy allows this action (implicit deny).') : null,
    ev.errorMessage ? h('p', h('strong', `${ev.errorCode}: `), ev.errorMessage) : null,
    h('pre.code.json', JSON.stringify(ev, null, 2))));
  toggle.addEventListener('click', () => {
    detail.hidden = !detail.hidden;
    toggle.setAttribute('aria-expanded', detail.hidden ? 'false' : 'true');
  });
  const [label, kind] = OUTCOME_BADGE[outcome];
  return [h('tr', {class: `outcome-${outcome}`},
    h('td', fmtDate(ev.eventTime)), h('td', h('code', ev.eventName || '—')), h('td', who(ev)), h('td', target(ev)),
    h('td', badge(label, kind), outcome === 'denied' && ev.decidedBy ? h('span.decided', ` ${ev.decidedBy}`) : null),
    h('td', toggle)), detail];
}

export async function eventsPage({query}) {
  const start = h('input', {type: 'datetime-local', name: 'start'});
  const end = h('input', {type: 'datetime-local', name: 'end'});
  const principal = h('input', {name: 'principal', placeholder: 'user name or ARN', value: query.get('principal') || ''});
  const eventName = h('input', {name: 'event', placeholder: 'e.g. CreateUser', value: query.get('event') || ''});
  const bucket = h('input', {name: 'bucket', value: query.get('bucket') || ''});
  const outcome = h('select', {name: 'outcome'}, h('option', {value: ''}, 'Any'), h('option', {value: 'allowed'}, 'Allowed'),
    h('option', {value: 'denied'}, 'Denied'), h('option', {value: 'error'}, 'Error'));
  outcome.value = query.get('outcome') || '';
  const form = h('form.filters.card', {novalidate: true}, field('From', start), field('To', end), field('Principal', principal),
    field('Event name', eventName), field('Bucket', bucket), field('Outcome', outcome), h('button.primary', {type: 'submit'}, 'Search'));
  const tbody = h('tbody');
  const more = h('button', {type: 'button', hidden: true}, 'Load more');
  const empty = h('div.empty', {hidden: true}, h('p', 'No events match these filters.'));
  const tbl = h('div.table-wrap', h('table', h('caption.sr-only', 'Events'),
    h('thead', h('tr', ['Time', 'Event name', 'Principal', 'Resource', 'Outcome', ''].map((c) => h('th', {scope: 'col'}, c)))), tbody));
  const view = page('Event history', {crumbs: [['#/', 'Console'], [null, 'Event history']],
    intro: 'Every IAM and STS change and every refused request, newest first, from the audit log.'}, form, tbl, empty, more);
  let next = null;

  async function load(append) {
    clearMessages(view);
    const iso = (v) => (v ? new Date(v).toISOString() : '');
    try {
      const r = await events({start: iso(start.value), end: iso(end.value), principal: principal.value.trim(), event: eventName.value.trim(),
        bucket: bucket.value.trim(), outcome: outcome.value, limit: '50', next: append ? next : ''});
      if (!append) tbody.replaceChildren();
      for (const ev of r.events) tbody.append(...eventRows(ev));
      next = r.next;
      more.hidden = !next;
      empty.hidden = tbody.children.length > 0;
      tbl.hidden = !empty.hidden;
    } catch (e) {
      showError(view, e);
    }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(false); });
  more.addEventListener('click', () => load(true));
  await load(false);
  return view;
}

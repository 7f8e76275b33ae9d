/**
 * The postmortem fixture of issue 14: a payments incident that spans the night Europe falls back
 * (2026-10-25, 03:00 CEST → 02:00 CET, so 00:30Z and 01:30Z both read 02:30 in Paris), with a
 * backdated impact start, a hand-over of command, monitoring alerts, backdated entries (one logged
 * 39.8 hours after it happened), a reopen, a deleted edited entry, a full postmortem with action
 * items, and text that Markdown would otherwise read as structure.
 */
import { SERVER_ACTOR_ID } from '../../shared/model.ts';
import type { CommittedOp } from '../../shared/ops.ts';
import { commit, type Draft, type Step } from './kit.ts';

export const DST_EXPORTED_AT = Date.parse('2026-10-27T09:00:00Z');
const at = Date.parse;

/** A pasted e-mail whose "---" line would turn the paragraph above it into a heading. */
export const HOSTILE_IMPACT = [
  'From the payments provider:',
  'Card authorisations failed for 18% of attempts & retries doubled the load.',
  '---',
  '# Not a heading',
  '1. not a list',
  '> not a quote',
  'Totals: &amp; stays as typed; see https://status.example.com/incidents/42 | pipes | too',
  '* * *',
  '<script>alert(1)</script>',
].join('\n');

const note = (iso: string, by: string, entryId: string, text: string, kind: 'note' | 'update' | 'decision' | 'action' = 'note', occurred?: string): Step =>
  [iso, by, { type: 'timeline.add', payload: { entryId, kind, text, occurredAt: at(occurred ?? iso) } }];

function alert(iso: string, entryId: string, status: 'firing' | 'resolved', startsAt: string, endsAt: string | null): Step {
  const d: Draft = {
    type: 'alert.record', payload: {
      entryId, source: 'alertmanager', status, name: 'PaymentsApi5xxHigh', fingerprint: 'fp-payments-5xx',
      labels: [{ name: 'service', value: 'payments-api' }, { name: 'severity', value: 'page' }],
      summary: '5xx ratio above 5% for 5 minutes', description: 'payments-api | 5xx > 5%', startsAt: at(startsAt),
      endsAt: endsAt === null ? null : at(endsAt), generatorUrl: 'https://grafana.example.com/d/payments',
    },
  };
  return [iso, SERVER_ACTOR_ID, d];
}

export function dstSteps(): Step[] {
  return [
    ['2026-10-24T23:04:00Z', 'lea', { type: 'incident.create', payload: {
      title: 'Payments API 502s | card authorisations failing', severity: 'SEV2', startedAt: at('2026-10-24T22:41:00Z'),
      detectedAt: at('2026-10-24T22:50:00Z'), services: ['payments-api', 'checkout'], summary: 'Card payments failed intermittently.',
    } }],
    ['2026-10-24T23:04:00Z', 'lea', { type: 'member.join', payload: { name: 'Léa Martin', timeZone: 'Europe/Paris', skills: ['payments'] } }],
    ['2026-10-24T23:05:00Z', 'sam', { type: 'member.join', payload: { name: 'Sam *Taylor*', timeZone: 'Europe/London', skills: ['networking'] } }],
    ['2026-10-24T23:06:00Z', 'ravi', { type: 'member.join', payload: { name: 'Ravi Iyer', timeZone: 'Asia/Kolkata', skills: ['databases'] } }],
    ['2026-10-24T23:07:00Z', 'maya', { type: 'member.join', payload: { name: 'Maya Chen', timeZone: 'America/New_York', skills: ['communications'] } }],
    ['2026-10-24T23:08:00Z', 'lea', { type: 'incident.role', payload: { role: 'commander', memberId: 'lea' } }],
    ['2026-10-24T23:09:00Z', 'lea', { type: 'incident.role', payload: { role: 'comms', memberId: 'maya' } }],
    ['2026-10-24T23:09:30Z', 'lea', { type: 'incident.update', payload: { cadenceMin: 30 } }],
    alert('2026-10-24T23:10:00Z', 'al-fire-1', 'firing', '2026-10-24T22:45:00Z', null),
    note('2026-10-24T23:12:00Z', 'sam', 'n-lb', 'Load balancer returns 502 for ~18% of /authorise calls.\n- pool A healthy\n- pool B flapping'),
    note('2026-10-24T23:20:00Z', 'maya', 'u-1', 'Some card payments are failing. We are investigating.\nNext update in 30 minutes.', 'update'),
    ['2026-10-24T23:25:00Z', 'lea', { type: 'incident.update', payload: { impact: HOSTILE_IMPACT, customerImpact: 'Shoppers saw "payment declined" and retried.' } }],
    ['2026-10-24T23:30:00Z', 'lea', { type: 'incident.status', payload: { status: 'identified', note: 'Pool B nodes run out of file descriptors' } }],
    ['2026-10-24T23:31:00Z', 'sam', { type: 'help.ask', payload: { helpId: 'h-db', skills: ['databases'], memberIds: [], urgency: 'now', text: 'Are the DB connections leaking? 1) check pgbouncer 2) check pool size' } }],
    ['2026-10-24T23:38:00Z', 'ravi', { type: 'help.ack', payload: { helpId: 'h-db', text: 'Looking, it is 05:08 here.' } }],
    note('2026-10-25T00:30:00Z', 'ravi', 'n-0030', 'pgbouncer max_client_conn = 100 _per node_, not per pool.'),
    ['2026-10-25T00:32:00Z', 'ravi', { type: 'timeline.edit', payload: { entryId: 'n-0030', text: 'pgbouncer max_client_conn = 100 **per node**, not per pool (was blamed on Sam\'s change: wrong).' } }],
    ['2026-10-25T00:33:00Z', 'ravi', { type: 'timeline.edit', payload: { entryId: 'n-0030', text: 'pgbouncer max_client_conn = 100 per node, not per pool.' } }],
    note('2026-10-25T00:35:00Z', 'sam', 'n-oops', 'Wrong incident, sorry'),
    ['2026-10-25T00:35:30Z', 'sam', { type: 'timeline.edit', payload: { entryId: 'n-oops', text: 'Wrong incident, sorry: meant for #ops-db' } }],
    ['2026-10-25T00:36:00Z', 'sam', { type: 'timeline.delete', payload: { entryId: 'n-oops' } }],
    ['2026-10-25T00:50:00Z', 'lea', { type: 'help.resolve', payload: { helpId: 'h-db', text: 'Found it' } }],
    note('2026-10-25T01:30:00Z', 'lea', 'd-raise', 'Raise max_client_conn to 400 on pool B, one node at a time.', 'decision'),
    ['2026-10-25T01:31:00Z', 'lea', { type: 'timeline.pin', payload: { entryId: 'd-raise', pinned: true } }],
    ['2026-10-25T01:40:00Z', 'lea', { type: 'incident.status', payload: { status: 'monitoring' } }],
    note('2026-10-25T01:45:00Z', 'maya', 'u-2', 'Payments are recovering; failure rate under 1%.', 'update'),
    ['2026-10-25T01:50:00Z', 'lea', { type: 'incident.role', payload: { role: 'commander', memberId: 'sam' } }],
    alert('2026-10-25T01:52:00Z', 'al-res-1', 'resolved', '2026-10-24T22:45:00Z', '2026-10-25T01:41:00Z'),
    ['2026-10-25T02:30:00Z', 'sam', { type: 'incident.status', payload: { status: 'resolved' } }],
    ['2026-10-25T08:58:00Z', SERVER_ACTOR_ID, { type: 'alert.record', payload: {
      entryId: 'al-fire-2', source: 'alertmanager', status: 'firing', name: 'PaymentsApi5xxHigh', fingerprint: 'fp-payments-5xx', labels: [],
      summary: '5xx ratio above 5% again', description: '', startsAt: at('2026-10-25T08:55:00Z'), endsAt: null, generatorUrl: '',
    } }],
    ['2026-10-25T09:00:00Z', 'sam', { type: 'incident.status', payload: { status: 'investigating', note: 'Errors are back on pool A' } }],
    ['2026-10-25T09:02:00Z', 'sam', { type: 'incident.severity', payload: { severity: 'SEV1', note: 'Both pools affected' } }],
    ['2026-10-25T09:05:00Z', 'sam', { type: 'task.add', payload: { taskId: 't-poolA', title: 'Raise max_client_conn on pool A', assigneeId: 'ravi', description: 'Same change as pool B:\n1. one node at a time\n2. watch `SHOW POOLS`' } }],
    ['2026-10-25T09:40:00Z', 'ravi', { type: 'task.move', payload: { taskId: 't-poolA', column: 'done', rank: 1 } }],
    ['2026-10-25T09:45:00Z', 'sam', { type: 'incident.status', payload: { status: 'monitoring' } }],
    note('2026-10-25T10:00:00Z', 'maya', 'u-3', 'Fixed on both pools. Watching for an hour.', 'update'),
    ['2026-10-25T10:30:00Z', 'sam', { type: 'incident.status', payload: { status: 'resolved', note: 'An hour without errors' } }],
    note('2026-10-26T16:28:00Z', 'sam', 'n-late', 'For the record: I restarted pool B node 3 by hand at 00:40 UTC, before the decision. Forgot to log it.', 'action', '2026-10-25T00:40:00Z'),
    ['2026-10-26T16:30:00Z', 'lea', { type: 'incident.times', payload: { impactEndedAt: at('2026-10-25T09:50:00Z') } }],
    ['2026-10-27T08:00:00Z', 'lea', { type: 'postmortem.update', payload: {
      summary: 'Card authorisations failed for about 18% of attempts for three hours, and again for an hour after the clock change.',
      trigger: 'A deploy at 22:30 UTC doubled the connections each payments node opens.',
      rootCause: 'pgbouncer limits connections per node; the new client opened two pools per node.\n\n=====\nThat line above is typed, not a heading.',
      contributingFactors: ['No alert on pgbouncer saturation', '- the runbook said "per pool"'],
      detection: 'An alert fired at 22:45 UTC; Sam noticed at 22:50 UTC. A saturation alert would have fired at 22:35.',
      whatWentWell: ['Ravi answered from Bengaluru within 7 minutes'],
      whatWentWrong: ['Pool A was not changed with pool B', 'Updates lapsed overnight'],
      whereWeGotLucky: ['Traffic is lowest on the night of the clock change'],
      lessons: ['Change both pools together'],
      customersAffected: 12_400, requestsFailed: 38_211, ordersLost: null,
    } }],
    ['2026-10-27T08:05:00Z', 'lea', { type: 'postmortem.action.add', payload: { actionId: 'a-alert', title: 'Alert on pgbouncer saturation', priority: 'P1', type: 'detect', ownerId: 'ravi', dueAt: at('2026-11-03T17:00:00Z'), ticketUrl: 'https://tracker.example.com/PAY-101', description: 'Page at 80% of max_client_conn.\n\nInclude both pools.' } }],
    ['2026-10-27T08:06:00Z', 'lea', { type: 'postmortem.action.add', payload: { actionId: 'a-runbook', title: 'Fix the runbook: limits are per node', priority: 'P2', type: 'process', ownerId: 'sam' } }],
    ['2026-10-27T08:07:00Z', 'lea', { type: 'postmortem.action.add', payload: { actionId: 'a-dup', title: 'Duplicate of the alert item', priority: 'P3', type: 'detect' } }],
    ['2026-10-27T08:08:00Z', 'lea', { type: 'postmortem.action.delete', payload: { actionId: 'a-dup' } }],
    ['2026-10-27T08:09:00Z', 'lea', { type: 'postmortem.action.add', payload: { actionId: 'a-both', title: 'Deploy pool changes to both pools', priority: 'P0', type: 'prevent', ownerId: 'lea', dueAt: at('2026-10-26T17:00:00Z') } }],
    ['2026-10-27T08:10:00Z', 'lea', { type: 'postmortem.action.update', payload: { actionId: 'a-runbook', status: 'done' } }],
  ];
}

export function dstIncident(): CommittedOp[] {
  return commit(dstSteps(), 'payments-dst');
}

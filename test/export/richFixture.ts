/**
 * The export tests' incident: the Black Friday scenario plus what happened next. The record came
 * back overnight from a replica that was offline during the repair, so the incident reopens on
 * 28 November while Europe sleeps (Singapore and Los Angeles handle it), then the team writes the
 * postmortem on Monday 30 November. Multi-day, three+ time zones, edits, deletes, escalated and
 * cancelled help requests, follow-ups, and one local change not yet synced.
 */
import fixture from '../fixtures/black-friday-corruption.json' with { type: 'json' };
import { fixedUuid, loadScenario } from '../../shared/scenario.ts';
import type { CommittedOp, Op } from '../../shared/ops.ts';

type Draft = { [K in Op['type']]: { type: K; payload: Extract<Op, { type: K }>['payload'] } }[Op['type']];

export const RICH_EXPORTED_AT = Date.parse('2026-11-30T16:30:00Z');

export interface RichIncident {
  incidentId: string;
  ops: CommittedOp[];
  /** Léa's outbox: written on her laptop, not yet acknowledged by the server. */
  pending: Op[];
}

export function richIncident(): RichIncident {
  const { incidentId, ops } = loadScenario(fixture);
  const at = (iso: string) => Date.parse(iso);
  const push = (iso: string, by: string, d: Draft) => {
    const seq = ops.length + 1;
    const t = at(iso);
    ops.push({ ...d, opId: fixedUuid(seq), incidentId, actorId: by, clientTime: t, seq, serverTime: t } as CommittedOp);
  };
  const note = (iso: string, by: string, entryId: string, text: string, kind: 'note' | 'update' | 'decision' | 'action' = 'note') =>
    push(iso, by, { type: 'timeline.add', payload: { entryId, kind, text, occurredAt: at(iso) } });

  push('2026-11-27T16:40:00Z', 'camille', { type: 'timeline.pin', payload: { entryId: 'ev-0', pinned: true } });
  push('2026-11-27T16:41:00Z', 'camille', { type: 'timeline.pin', payload: { entryId: 'ev-31', pinned: true } });

  note('2026-11-28T01:48:00Z', 'priya', 'n-recur', 'c7-ap nodes crash on start again: same decoding error as yesterday.');
  push('2026-11-28T01:50:00Z', 'priya', { type: 'incident.status', payload: { status: 'identified', note: 'The corrupt record is back on c7-ap, replayed by a replica' } });
  push('2026-11-28T01:51:00Z', 'priya', { type: 'help.ask', payload: { helpId: 'h-night', skills: ['indexing'], memberIds: ['tom'], urgency: 'now', text: 'Need a second pair of hands on c7-ap. Tom, are you up?' } });
  push('2026-11-28T01:57:00Z', 'priya', { type: 'help.escalate', payload: { helpId: 'h-night', level: 1 } });
  push('2026-11-28T02:03:00Z', 'marcus', { type: 'help.ack', payload: { helpId: 'h-night', text: 'Not my area, but I ran the repair tool yesterday. Walk me through it.' } });
  push('2026-11-28T02:04:00Z', 'priya', { type: 'incident.role', payload: { role: 'ops', memberId: 'marcus' } });
  push('2026-11-28T02:05:00Z', 'priya', { type: 'task.add', payload: { taskId: 't-c7', title: 'Repair c7-ap (3 machines) with the quarantine tool', column: 'doing', assigneeId: 'marcus', rank: 5 } });
  note('2026-11-28T02:06:00Z', 'priya', 'n-runbook', 'Runbook for tonight, so nobody has to guess:\n1. Stop the node, copy the log aside.\n2. Run "logrepair --quarantine c7-ap-N", one node at a time.\n3. Start the node; check lag before the next one.', 'action');
  push('2026-11-28T02:07:00Z', 'priya', { type: 'timeline.pin', payload: { entryId: 'n-runbook', pinned: true } });
  note('2026-11-28T02:09:00Z', 'priya', 'u-night', 'Indexing is failing again on one cluster in Asia-Pacific (c7-ap). Other regions are unaffected; search keeps serving results. Next update in 30 minutes.', 'update');
  note('2026-11-28T02:12:00Z', 'marcus', 'n-cause2', 'Replica c7-ap-2 was powered off during yesterday\'s repair, so the tool never ran on it.');
  push('2026-11-28T02:14:00Z', 'marcus', { type: 'timeline.edit', payload: { entryId: 'n-cause2', text: 'Replica c7-ap-2 was powered off during yesterday\'s repair, so the tool never ran on it; it replayed the record when it came back at 01:40 UTC.' } });
  note('2026-11-28T02:20:00Z', 'marcus', 'n-paste', 'ignore: pasted the wrong log, 14,000 lines of "decode error"');
  push('2026-11-28T02:20:40Z', 'marcus', { type: 'timeline.delete', payload: { entryId: 'n-paste' } });
  note('2026-11-28T02:40:00Z', 'marcus', 'n-c7done', 'c7-ap repaired, all 3 nodes indexing, lag 12 min.');
  push('2026-11-28T02:40:30Z', 'marcus', { type: 'task.move', payload: { taskId: 't-c7', column: 'done', rank: 5 } });
  push('2026-11-28T02:41:00Z', 'priya', { type: 'help.resolve', payload: { helpId: 'h-night', text: 'Marcus ran it, thanks.' } });
  push('2026-11-28T02:43:00Z', 'priya', { type: 'help.ask', payload: { helpId: 'h-inventory', skills: ['infrastructure'], memberIds: [], urgency: 'soon', text: 'Can someone check that no other replica was offline during yesterday\'s repair window?' } });
  note('2026-11-28T02:49:00Z', 'priya', 'n-inventory', 'Inventory checked myself: c7-ap-2 was the only replica offline between 14:20 and 15:12 UTC yesterday.');
  push('2026-11-28T02:50:00Z', 'priya', { type: 'help.cancel', payload: { helpId: 'h-inventory' } });
  push('2026-11-28T03:05:00Z', 'priya', { type: 'incident.status', payload: { status: 'monitoring' } });
  push('2026-11-28T03:25:00Z', 'priya', { type: 'incident.status', payload: { status: 'resolved', note: 'c7-ap lag under 1 minute for 20 minutes' } });
  note('2026-11-28T03:26:00Z', 'priya', 'u-night2', 'Resolved again. Every cluster is indexing; the postmortem will cover both occurrences.', 'update');
  push('2026-11-28T03:27:00Z', 'priya', { type: 'task.add', payload: { taskId: 'f-offline', title: 'Repair tool: also repair replicas that are offline, before they rejoin', assigneeId: 'priya', followUp: true, dueAt: at('2026-12-04T17:00:00Z') } });
  push('2026-11-28T08:15:00Z', 'camille', { type: 'timeline.add', payload: { entryId: 'd-freeze', kind: 'decision', text: 'Deploy freeze stays until "Validate replicated messages before persisting them" ships.', occurredAt: at('2026-11-28T08:15:00Z') } });
  push('2026-11-28T08:20:00Z', 'camille', { type: 'incident.update', payload: { impact: 'Indexing stopped for thousands of customers for about three hours on the busiest shopping day, and again for 95 minutes on c7-ap (Asia-Pacific) overnight; search kept serving stale results; 39 machines needed manual repair.' } });
  push('2026-11-28T08:22:00Z', 'camille', { type: 'task.move', payload: { taskId: 'f-validate', column: 'doing', rank: 1 } });
  push('2026-11-28T08:23:00Z', 'camille', { type: 'task.add', payload: { taskId: 'f-dup', title: 'Validate messages before persisting', assigneeId: 'priya', followUp: true } });
  push('2026-11-28T08:24:00Z', 'camille', { type: 'task.delete', payload: { taskId: 'f-dup' } });
  push('2026-11-30T15:00:00Z', 'camille', { type: 'postmortem.update', payload: {
    rootCause: 'A change in message encoding produced a record that older and newer decoders both reject; it was replicated and persisted before any node validated it.\n\nContributing factors: about 70 commits shipped in one deploy on the busiest day; staging does not deploy to all nodes of a cluster at once, so it never produced the record; the repair tool only reached replicas that were online, so c7-ap-2 replayed the record ten hours later.',
    whatWentWell: ['Help from Singapore within six minutes of asking', 'Regular customer updates every 15-30 minutes', 'Repair tool quarantined the record instead of deleting data', 'Overnight hand-off between Singapore and Los Angeles worked with the runbook pinned in the timeline'],
    whatWentWrong: ['About 70 commits in one deploy on the busiest day', 'Staging did not deploy like prod', 'No validation before persisting replicated messages', 'Rollback did not help and cost 15 minutes', 'A replica offline during the repair replayed the record 10 hours later'],
    lessons: ['Deploy small diffs', 'Same deployment process in staging as in prod', 'Validate before persisting', 'Ask for help early', 'A repair is not done until every replica, online or not, is repaired'],
  } });
  push('2026-11-30T15:05:00Z', 'camille', { type: 'task.update', payload: { taskId: 'f-smalldiffs', dueAt: at('2026-11-29T17:00:00Z') } });

  const pendingAt = at('2026-11-30T16:12:00Z');
  const pending: Op[] = [{
    opId: fixedUuid(1, 0xfeed), incidentId, actorId: 'lea', clientTime: pendingAt, type: 'timeline.add',
    payload: { entryId: 'u-customers', kind: 'update', text: 'Customer summary sent to support leads for review, "final" version due Tuesday.', occurredAt: pendingAt },
  }];
  return { incidentId, ops, pending };
}

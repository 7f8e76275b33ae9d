import { describe, expect, it } from 'vitest';
import { SERVER_ACTOR_ID, type IncidentState } from './model.ts';
import type { CommittedOp } from './ops.ts';
import { apply, memberName, nextUpdateDueAt, replay } from './reducer.ts';
import { logFor, T0 } from './testkit.ts';

const min = (m: number) => T0 + m * 60_000;

function fold(ops: CommittedOp[]): IncidentState {
  const r = replay(ops);
  if (!r.ok) throw new Error(`${r.code} at ${r.seq}: ${r.message}`);
  return r.state!;
}

function step(state: IncidentState, op: CommittedOp): IncidentState {
  const r = apply(state, op);
  if (!r.ok) throw new Error(`${r.code}: ${r.message}`);
  return r.state;
}

function people() {
  const log = logFor();
  log.add('incident.create', { title: 'Checkout down', severity: 'SEV1', startedAt: min(-23), detectedAt: min(-10) }, 'ana', 0);
  log.add('member.join', { name: 'Ana', timeZone: 'Europe/Paris', skills: ['db'] }, 'ana', 1);
  log.add('member.join', { name: 'Raj', timeZone: 'Asia/Singapore', skills: ['net'] }, 'raj', 2);
  return log;
}

describe('key times', () => {
  it('declared is the create op time, never the backdated start; impact start and detection get their own rows', () => {
    const s = fold(people().ops);
    expect(s.declaredAt).toBe(min(0));
    expect(s.startedAt).toBe(min(-23));
    expect(s.detectedAt).toBe(min(-10));
    const moments = s.timeline.filter((e) => e.moment).map((e) => [e.moment, e.occurredAt]);
    expect(moments).toEqual([['impact-started', min(-23)], ['detected', min(-10)], ['declared', min(0)]]);
    // Backdating the start does not make a stakeholder update overdue at once.
    expect(nextUpdateDueAt(s)).toBe(min(0) + 15 * 60_000);
  });

  it('first commander acknowledges, a hand-over is a key moment, role history has spans', () => {
    const log = people();
    log.add('incident.role', { role: 'commander', memberId: 'ana' }, 'ana', 3);
    log.add('incident.role', { role: 'commander', memberId: 'raj' }, 'ana', 50);
    const s = fold(log.ops);
    expect(s.acknowledgedAt).toBe(min(3));
    expect(s.roleHistory).toEqual([
      { role: 'commander', memberId: 'ana', from: min(3), to: min(50) },
      { role: 'commander', memberId: 'raj', from: min(50), to: null },
    ]);
    expect(s.timeline.filter((e) => e.kind === 'role').map((e) => e.moment)).toEqual(['acknowledged', 'handover']);
  });

  it('mitigated on the first move to monitoring; resolve, reopen and resolve again keep first and final times', () => {
    const log = people();
    log.add('incident.status', { status: 'monitoring' }, 'ana', 30);
    log.add('incident.status', { status: 'resolved' }, 'ana', 40);
    log.add('incident.status', { status: 'identified', note: 'back again' }, 'raj', 90);
    let s = fold(log.ops);
    expect(s.mitigatedAt).toBe(min(30));
    expect(s.firstResolvedAt).toBe(min(40));
    expect(s.resolvedAt).toBeNull();
    const reopened = s.timeline.find((e) => e.moment === 'reopened')!;
    expect(reopened.text).toBe('Incident reopened: status changed from resolved to identified: back again');
    log.add('incident.status', { status: 'monitoring' }, 'raj', 100);
    log.add('incident.status', { status: 'resolved' }, 'raj', 120);
    s = fold(log.ops);
    expect([s.mitigatedAt, s.firstResolvedAt, s.resolvedAt]).toEqual([min(30), min(40), min(120)]);
    expect(s.statusHistory.map((c) => c.status)).toEqual(['investigating', 'monitoring', 'resolved', 'identified', 'monitoring', 'resolved']);
  });

  it('incident.times sets and clears times by hand, each a row at the time it records', () => {
    const log = people();
    log.add('incident.times', { mitigatedAt: min(20), impactEndedAt: min(25) }, 'ana', 60);
    log.add('incident.times', { impactEndedAt: null }, 'ana', 61);
    const s = fold(log.ops);
    expect(s.mitigatedAt).toBe(min(20));
    expect(s.impactEndedAt).toBeNull();
    const rows = s.timeline.filter((e) => e.ref?.startsWith('time:'));
    expect(rows.map((e) => [e.text, e.occurredAt, e.loggedAt])).toEqual([
      ['Mitigation time set to 2026-11-27 13:20 UTC', min(20), min(60)],
      ['End of impact time set to 2026-11-27 13:25 UTC', min(25), min(60)],
      ['End of impact time cleared', min(61), min(61)],
    ]);
    const same = apply(s, log.add('incident.times', { mitigatedAt: min(20) }, 'ana', 62));
    expect(same.ok ? 'ok' : same.code).toBe('INVALID_STATE');
  });
});

describe('lifecycle', () => {
  it('resolving closes open and acknowledged help, one row each; closed help stays as it was', () => {
    const log = people();
    log.add('help.ask', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'db?' }, 'raj', 5);
    log.add('help.ask', { helpId: 'h2', skills: ['net'], memberIds: [], urgency: 'soon', text: 'net?' }, 'ana', 6);
    log.add('help.ask', { helpId: 'h3', skills: ['net'], memberIds: [], urgency: 'fyi', text: 'x' }, 'ana', 7);
    log.add('help.ack', { helpId: 'h2' }, 'raj', 8);
    log.add('help.resolve', { helpId: 'h3' }, 'ana', 9);
    log.add('incident.status', { status: 'resolved' }, 'ana', 10);
    const s = fold(log.ops);
    expect(Object.values(s.help).map((h) => [h.id, h.status, h.closedAt])).toEqual([
      ['h1', 'cancelled', min(10)], ['h2', 'cancelled', min(10)], ['h3', 'resolved', min(9)],
    ]);
    const closing = s.timeline.filter((e) => e.text === 'Help request closed: the incident was resolved').map((e) => e.ref);
    expect(closing).toEqual(['h1', 'h2']);
    // An escalation arriving after the resolve is refused: escalation stops.
    const late = apply(s, log.add('help.escalate', { helpId: 'h1', level: 1 }, SERVER_ACTOR_ID, 11));
    expect(late.ok ? 'ok' : late.code).toBe('HELP_CLOSED');
  });

  it('archive and unarchive are recorded; archiving twice is refused', () => {
    const log = people();
    log.add('incident.archive', { archived: true }, 'ana', 10);
    let s = fold(log.ops);
    expect(s.archivedAt).toBe(min(10));
    const twice = apply(s, log.add('incident.archive', { archived: true }, 'ana', 11));
    expect(twice.ok ? 'ok' : twice.code).toBe('INVALID_STATE');
    log.ops.pop();
    s = step(s, log.add('incident.archive', { archived: false }, 'ana', 12));
    expect(s.archivedAt).toBeNull();
    expect(s.timeline.at(-1)!.text).toBe('Incident taken out of the archive by Ana');
  });

  it('server reminders and escalations are rows by "War Room", marked late when they are', () => {
    const log = people();
    log.add('help.ask', { helpId: 'h1', skills: ['db'], memberIds: [], urgency: 'now', text: 'db?' }, 'raj', 5);
    log.add('help.escalate', { helpId: 'h1', level: 1, late: true }, SERVER_ACTOR_ID, 12);
    log.add('incident.reminder', { kind: 'update-overdue', dueAt: min(15) }, SERVER_ACTOR_ID, 16);
    const s = fold(log.ops);
    const [esc, rem] = s.timeline.slice(-2);
    expect(esc!.text).toBe('Help request unanswered: escalated to everyone with #db (late: the server was not running when it was due)');
    expect(rem!.text).toBe('Stakeholder update overdue: one was due at 2026-11-27 13:15 UTC; none has been posted yet');
    expect(memberName(s, rem!.authorId)).toBe('War Room');
  });
});

describe('overview', () => {
  it('each changed overview field writes its own row; unchanged fields write none', () => {
    const log = people();
    log.add('incident.update', {
      summary: 'Payments fail', customerImpact: 'EU checkouts fail', services: ['checkout', 'payments'],
      links: [{ label: 'Dashboard', url: 'https://grafana.example/d/1' }],
    }, 'ana', 10);
    log.add('incident.update', { summary: 'Payments fail', services: ['checkout'] }, 'ana', 11);
    const s = fold(log.ops);
    expect(s.timeline.filter((e) => e.ref?.startsWith('overview:')).map((e) => e.text)).toEqual([
      'Summary updated: Payments fail',
      'Customer impact updated: EU checkouts fail',
      'Affected services updated: checkout, payments',
      'Links updated: Dashboard <https://grafana.example/d/1>',
      'Affected services updated: checkout',
    ]);
  });
});

describe('postmortem action items and alerts', () => {
  it('action items are added, updated, deleted and restored; an unknown owner or id is refused', () => {
    const log = people();
    log.add('postmortem.action.add', { actionId: 'a1', title: 'Validate messages', priority: 'P1', type: 'prevent', ownerId: 'raj' }, 'ana', 10);
    log.add('postmortem.action.update', { actionId: 'a1', status: 'done', ticketUrl: 'https://tickets.example/1' }, 'raj', 11);
    log.add('postmortem.action.delete', { actionId: 'a1' }, 'ana', 12);
    let s = fold(log.ops);
    expect(s.postmortem.actionItems[0]).toMatchObject({ status: 'done', ticketUrl: 'https://tickets.example/1', deletedAt: min(12) });
    s = step(s, log.add('postmortem.action.restore', { actionId: 'a1' }, 'ana', 13));
    expect(s.postmortem.actionItems[0]!.deletedAt).toBeNull();
    const ghost = apply(s, log.add('postmortem.action.update', { actionId: 'nope', title: 'x' }, 'ana', 14));
    expect(ghost.ok ? 'ok' : ghost.code).toBe('ACTION_NOT_FOUND');
    log.ops.pop();
    const stranger = apply(s, log.add('postmortem.action.add', { actionId: 'a2', title: 'x', priority: 'P2', type: 'detect', ownerId: 'zed' }, 'ana', 15));
    expect(stranger.ok ? 'ok' : stranger.code).toBe('MEMBER_NOT_FOUND');
  });

  it('an alert is an alert row at the time monitoring says, never after it reached us; a repeat is refused', () => {
    const log = people();
    const alert = {
      entryId: 'alert-abc', source: 'alertmanager' as const, status: 'firing' as const, name: 'HighErrorRate', fingerprint: 'abc',
      labels: [{ name: 'service', value: 'checkout' }], summary: '5xx above 5%', description: '', startsAt: min(-5), endsAt: null, generatorUrl: '',
    };
    log.add('alert.record', alert, SERVER_ACTOR_ID, 4);
    const s = fold(log.ops);
    const row = s.timeline.find((e) => e.id === 'alert-abc')!;
    expect([row.kind, row.text, row.occurredAt, row.loggedAt]).toEqual(['alert', 'Alert firing: HighErrorRate — 5xx above 5%', min(-5), min(4)]);
    expect(row.alert?.labels).toEqual([{ name: 'service', value: 'checkout' }]);
    const again = apply(s, log.add('alert.record', alert, SERVER_ACTOR_ID, 5));
    expect(again.ok ? 'ok' : again.code).toBe('ALREADY_EXISTS');
    const ahead = fold([...log.ops.slice(0, -1), log.add('alert.record', { ...alert, entryId: 'alert-future', startsAt: min(500) }, SERVER_ACTOR_ID, 6)]);
    expect(ahead.timeline.find((e) => e.id === 'alert-future')!.occurredAt).toBe(min(6));
  });
});

describe('system row text', () => {
  it('a long text is clipped to the bound without splitting a surrogate pair', () => {
    const log = people();
    const emoji = '\u{1F525}';
    // The summary fills the bound so that the row's prefix pushes an emoji across the cut.
    const summary = `${'x'.repeat(10_000 - 'Summary updated: '.length - 2)}${emoji}${emoji}`.slice(0, 10_000);
    log.add('incident.update', { summary }, 'ana', 10);
    const row = fold(log.ops).timeline.find((e) => e.ref === 'overview:summary')!;
    expect(row.text.length).toBeLessThanOrEqual(10_000);
    expect(row.text.endsWith('…')).toBe(true);
    expect(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.test(row.text)).toBe(false);
  });
});

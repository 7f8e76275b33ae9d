import { describe, expect, it } from 'vitest';
import { commit, EXPORTED_AT, fold, smallSteps } from '../../test/export/kit.ts';
import type { Op } from '../ops.ts';
import { applyPending } from './json.ts';
import { formatMarkdown } from './markdown.ts';
import { checkedZone, exportFileName, isPendingEntry, pendingMarks } from './options.ts';

const op = (type: Op['type'], payload: object, n: number): Op =>
  ({ opId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, incidentId: 'inc-1', actorId: 'ana', clientTime: Date.parse('2026-03-02T09:30:00Z'), type, payload }) as Op;

describe('pendingMarks', () => {
  const marks = pendingMarks({
    pendingOps: [
      op('timeline.edit', { entryId: 'e-note', text: 'x' }, 1),
      op('task.move', { taskId: 't-1', column: 'done', rank: 1 }, 2),
      op('help.ack', { helpId: 'h-1' }, 3),
      op('incident.status', { status: 'monitoring' }, 4),
    ],
    pendingEntryIds: ['e-extra'],
  });

  it.each([
    ['e-note', true],
    ['e-extra', true],
    ['sys-00000000-0000-4000-8000-000000000004-0', true],
    ['sys-00000000-0000-4000-8000-000000000009-0', false],
    ['e-other', false],
  ])('entry %s unsynced: %s', (id, expected) => expect(isPendingEntry(marks, id)).toBe(expected));

  it('collects tasks, help requests and the count of ops', () => {
    expect([...marks.taskIds]).toEqual(['t-1']);
    expect([...marks.helpIds]).toEqual(['h-1']);
    expect(marks.count).toBe(4);
  });

  it('marks the system entry an unsynced status change writes', () => {
    const pending = [op('incident.status', { status: 'monitoring' }, 7)];
    const state = applyPending(fold(commit(smallSteps())), pending).state;
    expect(formatMarkdown(state, { exportedAt: EXPORTED_AT, pendingOps: pending })).toContain('· Status (reopened) _(unsynced)_: Incident reopened: status changed from resolved to monitoring\n');
  });
});

describe('checkedZone / exportFileName', () => {
  it.each([[null, null], [undefined, null], ['', null], ['UTC', null], ['Asia/Tokyo', 'Asia/Tokyo']])('%j → %j', (zone, expected) => {
    expect(checkedZone(zone)).toBe(expected);
  });
  it('throws on an unknown zone', () => expect(() => checkedZone('Nowhere/Land')).toThrow('Unknown time zone "Nowhere/Land"'));
  it.each([
    ['md', 'postmortem-inc-1-2026-03-03.md'], ['html', 'postmortem-inc-1-2026-03-03.html'], ['pdf', 'postmortem-inc-1-2026-03-03.pdf'],
    ['csv', 'timeline-inc-1-2026-03-03.csv'], ['json', 'warroom-inc-1-2026-03-03.json'],
  ] as const)('%s → %s', (format, name) => expect(exportFileName('inc-1', format, EXPORTED_AT)).toBe(name));
});

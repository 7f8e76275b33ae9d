import { describe, expect, it } from 'vitest';
import fixture from '../test/fixtures/black-friday-corruption.json' with { type: 'json' };
import { loadScenario } from './scenario.ts';
import { replay } from './reducer.ts';
import { parseCommittedOp } from './ops.ts';

describe('black friday scenario', () => {
  const { ops } = loadScenario(fixture);
  it('every generated op passes the wire schema', () => {
    for (const op of ops) expect(parseCommittedOp(op)).toMatchObject({ ok: true });
  });
  it('folds into the incident it describes', () => {
    const r = replay(ops);
    if (!r.ok) throw new Error(`${r.code} at seq ${r.seq}: ${r.message}`);
    const s = r.state!;
    expect(s.status).toBe('resolved');
    expect(s.roles.commander).toBe('camille');
    expect(s.roles.comms).toBe('lea');
    expect(Object.keys(s.members)).toHaveLength(5);
    expect(s.tasks['t-repair']?.column).toBe('done');
    expect(Object.values(s.tasks).filter((t) => t.followUp)).toHaveLength(3);
    expect(s.help['h-storage']).toMatchObject({ status: 'resolved', ackBy: 'priya' });
    const edited = s.timeline.find((e) => e.history.length > 0);
    expect(edited?.text).toContain('lag 38 min');
    expect(edited?.history[0]?.text).toContain('lag 40 min');
    expect(s.timeline.find((e) => e.text === 'test entry, ignore')?.deletedAt).not.toBeNull();
    expect(s.timeline.find((e) => e.pinned)?.kind).toBe('status');
    expect(s.postmortem.lessons).toContain('Validate before persisting');
  });
});

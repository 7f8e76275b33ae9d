import { describe, expect, it } from 'vitest';
import { dstIncident, DST_EXPORTED_AT } from '../../test/export/dstFixture.ts';
import { commit, EXPORTED_AT, fold, smallSteps } from '../../test/export/kit.ts';
import { formatOffset } from '../time.ts';
import { keyTimes, metrics, openMs, reopens, roleHistory, updateGaps } from './facts.ts';
import { isAmbiguousLocal, offsetChanges, offsetMarker, zoneSentence, zoneSpan } from './zone.ts';

const t = Date.parse;
const dst = fold(dstIncident());

describe('key times', () => {
  it('keeps impact start, detection and declaration apart; declaration is the create op, never backdated', () => {
    const k = Object.fromEntries(keyTimes(dst).map((x) => [x.label, x.at]));
    expect(k).toEqual({
      'Impact started': t('2026-10-24T22:41:00Z'), Detected: t('2026-10-24T22:50:00Z'), Declared: t('2026-10-24T23:04:00Z'),
      Acknowledged: t('2026-10-24T23:08:00Z'), Mitigated: t('2026-10-25T01:40:00Z'), 'Impact ended': t('2026-10-25T09:50:00Z'),
      'First resolved': t('2026-10-25T02:30:00Z'), Reopened: t('2026-10-25T09:00:00Z'), 'Resolved (final)': t('2026-10-25T10:30:00Z'),
    });
  });

  it('without a reopen there is one "Resolved" row and no "First resolved"', () => {
    const labels = keyTimes(fold(commit(smallSteps()))).map((x) => x.label);
    expect(labels).toContain('Resolved');
    expect(labels).not.toContain('First resolved');
  });
});

describe('response metrics', () => {
  it.each([
    ['Time to detect', '9m'], ['Time to declare', '14m'], ['Time to acknowledge', '4m'], ['Time to acknowledge help', '7m'],
    ['Time to mitigate', '2h 59m'], ['Duration of impact', '11h 09m'], ['Time to resolve', '3h 49m'],
    ['Duration', '11h 49m, reopened once: open for 5h 19m of it, resolved in between for 6h 30m'],
  ])('%s = %s', (label, value) => {
    expect(metrics(dst, DST_EXPORTED_AT).find((m) => m.label === label)?.value).toBe(value);
  });

  it('open time skips the resolved stretch between a resolve and a reopen', () => {
    expect(reopens(dst)).toEqual([t('2026-10-25T09:00:00Z')]);
    expect(openMs(dst, t('2026-10-25T02:00:00Z'), t('2026-10-25T09:30:00Z'))).toBe(60 * 60_000);
  });
});

describe('role history and stakeholder updates', () => {
  it('shows who held command before and after the hand-over', () => {
    expect(roleHistory(dst, DST_EXPORTED_AT).filter((r) => r.role === 'commander').map((r) => [r.name, r.from, r.to])).toEqual([
      ['Léa Martin', t('2026-10-24T23:08:00Z'), t('2026-10-25T01:50:00Z')],
      ['Sam *Taylor*', t('2026-10-25T01:50:00Z'), null],
    ]);
  });

  it('reports gaps longer than the cadence, counting open time only', () => {
    const u = updateGaps(dst, DST_EXPORTED_AT);
    expect(u.cadenceMin).toBe(30);
    expect(u.gaps.map((g) => Math.round(g.openMs / 60_000))).toEqual([16, 145, 105, 30]);
    expect(u.late.map((g) => Math.round(g.openMs / 60_000))).toEqual([145, 105]);
    expect(updateGaps(fold(commit(smallSteps())), EXPORTED_AT).gaps.map((g) => Math.round(g.openMs / 60_000))).toEqual([8, 12]);
  });
});

describe('DST in a local-time column', () => {
  it('finds the fall-back change and the ambiguous hour (Paris, 2026-10-25)', () => {
    expect(offsetChanges(t('2026-10-24T20:00:00Z'), t('2026-10-25T12:00:00Z'), 'Europe/Paris')).toEqual([{ at: t('2026-10-25T01:00:00Z'), from: 'UTC+02:00', to: 'UTC+01:00', fromMin: 120, toMin: 60 }]);
    expect([t('2026-10-24T23:59:00Z'), t('2026-10-25T00:30:00Z'), t('2026-10-25T01:30:00Z'), t('2026-10-25T02:00:00Z')].map((x) => isAmbiguousLocal(x, 'Europe/Paris'))).toEqual([false, true, true, false]);
    // Spring forward skips an hour: nothing is ambiguous.
    expect(isAmbiguousLocal(t('2026-03-29T01:30:00Z'), 'Europe/Paris')).toBe(false);
    expect(isAmbiguousLocal(t('2026-10-25T00:30:00Z'), 'Asia/Tokyo')).toBe(false);
  });

  it('marks the offset on the first row, where it changes, and on ambiguous rows', () => {
    const mark = offsetMarker(zoneSpan('Europe/Paris', t('2026-10-24T20:00:00Z'), t('2026-10-25T12:00:00Z')));
    expect(['2026-10-24T22:00:00Z', '2026-10-24T23:00:00Z', '2026-10-25T00:30:00Z', '2026-10-25T00:40:00Z', '2026-10-25T01:30:00Z', '2026-10-25T02:30:00Z', '2026-10-25T03:00:00Z'].map((x) => mark(t(x))))
      .toEqual(['UTC+02:00', null, 'UTC+02:00', 'UTC+02:00', 'UTC+01:00', null, null]);
  });

  it('the precomputed span agrees with Intl minute by minute across the change, inside and outside its range', () => {
    const from = t('2026-10-24T22:00:00Z');
    const span = zoneSpan('Europe/Paris', from, t('2026-10-25T04:00:00Z'));
    for (let at = from - 3_600_000; at < t('2026-10-25T05:00:00Z'); at += 60_000) {
      expect([span.label(at), span.ambiguous(at)], new Date(at).toISOString()).toEqual([formatOffset(at, 'Europe/Paris'), isAmbiguousLocal(at, 'Europe/Paris')]);
    }
  });

  it('the header sentence names every offset after the start', () => {
    expect(zoneSentence('Europe/Paris', t('2026-10-24T22:41:00Z'), t('2026-10-25T10:30:00Z'))).toBe('UTC+02:00 when the incident started; UTC+01:00 from 2026-10-25 01:00 UTC');
    expect(zoneSentence('Asia/Tokyo', t('2026-10-24T22:41:00Z'), t('2026-10-25T10:30:00Z'))).toBe('UTC+09:00 when the incident started, unchanged throughout');
  });
});

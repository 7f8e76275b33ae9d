import { describe, expect, it } from 'vitest';
import { formatDate, nextLocalMidnight } from './time.ts';

const at = (iso: string) => Date.parse(iso);

describe('nextLocalMidnight', () => {
  it.each([
    ['UTC', '2026-11-27T08:00:00Z', '2026-11-28T00:00:00Z'],
    ['UTC', '2026-11-27T00:00:00Z', '2026-11-28T00:00:00Z'],
    ['UTC', '2026-11-27T23:59:59.999Z', '2026-11-28T00:00:00Z'],
    ['UTC', '2026-12-31T12:00:00Z', '2027-01-01T00:00:00Z'],
    ['UTC', '2028-02-28T12:00:00Z', '2028-02-29T00:00:00Z'],
    ['Europe/Paris', '2026-11-27T22:59:59.999Z', '2026-11-27T23:00:00Z'],
    ['Europe/Paris', '2026-11-27T23:00:00Z', '2026-11-28T23:00:00Z'],
    ['America/Los_Angeles', '2026-11-27T23:30:00Z', '2026-11-28T08:00:00Z'],
    ['Asia/Singapore', '2026-11-27T23:30:00Z', '2026-11-28T16:00:00Z'],
    ['Asia/Kolkata', '2026-11-27T10:00:00Z', '2026-11-27T18:30:00Z'],
    ['Asia/Kathmandu', '2026-11-27T10:00:00Z', '2026-11-27T18:15:00Z'],
    ['Pacific/Chatham', '2026-11-27T00:00:00Z', '2026-11-27T10:15:00Z'],
    // DST starts (Paris, 29 March 2026 02:00): that day is 23 hours long.
    ['Europe/Paris', '2026-03-28T23:30:00Z', '2026-03-29T22:00:00Z'],
    // DST ends (New York, 1 November 2026 02:00): that day is 25 hours long.
    ['America/New_York', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z'],
    // Midnight itself skipped: Santiago springs forward at 00:00 on 6 September 2026, the day starts at 01:00.
    ['America/Santiago', '2026-09-05T12:00:00Z', '2026-09-06T04:00:00Z'],
    // Midnight repeated: Havana falls back at 01:00 → 00:00 on 1 November 2026 (the day starts once).
    ['America/Havana', '2026-10-31T12:00:00Z', '2026-11-01T04:00:00Z'],
  ])('%s after %s is %s', (zone, from, expected) => {
    const t = nextLocalMidnight(at(from), zone);
    expect(new Date(t).toISOString()).toBe(new Date(at(expected)).toISOString());
    expect(formatDate(t - 1, zone)).toBe(formatDate(at(from), zone));
    expect(formatDate(t, zone)).not.toBe(formatDate(at(from), zone));
  });

  it('walking day by day agrees with formatting every hour for a year', () => {
    for (const zone of ['Europe/London', 'Australia/Lord_Howe', 'America/St_Johns']) {
      let t = at('2026-01-01T00:00:00Z');
      const end = at('2027-01-01T00:00:00Z');
      let boundary = nextLocalMidnight(t, zone);
      for (; t < end; t += 3_600_000) {
        if (t >= boundary) boundary = nextLocalMidnight(t, zone);
        expect(formatDate(t, zone)).toBe(formatDate(boundary - 1, zone));
      }
    }
  });
});

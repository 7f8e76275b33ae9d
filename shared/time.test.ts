import { describe, expect, it } from 'vitest';
import { formatClock, formatDuration, formatOffset, isValidTimeZone, isWithinWorkingHours } from './time.ts';

const at = Date.UTC(2026, 10, 27, 13, 31); // 13:31 UTC, a Friday in November

describe('time zones', () => {
  it.each([
    ['UTC', '13:31', 'UTC+00:00'],
    ['Europe/Paris', '14:31', 'UTC+01:00'],
    ['America/Los_Angeles', '05:31', 'UTC-08:00'],
    ['Asia/Singapore', '21:31', 'UTC+08:00'],
    ['Asia/Kolkata', '19:01', 'UTC+05:30'],
  ])('%s shows %s (%s)', (zone, clock, offset) => {
    expect(formatClock(at, zone)).toBe(clock);
    expect(formatOffset(at, zone)).toBe(offset);
  });

  it('follows daylight saving time', () => {
    expect(formatClock(Date.UTC(2026, 6, 1, 12), 'Europe/Paris')).toBe('14:00');
  });

  it.each([
    ['Europe/Paris', { start: '09:00', end: '18:00' }, true],
    ['America/Los_Angeles', { start: '08:00', end: '17:00' }, false],
    ['Asia/Singapore', { start: '10:00', end: '19:00' }, false],
    ['Asia/Singapore', { start: '20:00', end: '02:00' }, true],
  ])('working hours in %s %o: %s', (zone, hours, inside) => {
    expect(isWithinWorkingHours(at, zone, hours)).toBe(inside);
  });

  it('validates IANA zones', () => {
    expect(isValidTimeZone('Europe/Dublin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it.each([[0, '0m'], [65 * 60_000, '1h 05m'], [3 * 86_400_000 + 2 * 3_600_000, '3d 2h']])('formats %i ms as %s', (ms, s) => {
    expect(formatDuration(ms)).toBe(s);
  });
});

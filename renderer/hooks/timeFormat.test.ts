import { describe, expect, it } from 'vitest';
import { clockLabel, dayHeading, fullLabel, secondsLabel, whenLabel } from './timeFormat.ts';

const at = Date.parse('2026-03-29T13:02:07Z'); // Paris switched to summer time that morning

describe('times in the viewer’s locale', () => {
  it.each([
    ['en-GB', '15:02'],
    ['en-US', '03:02 PM'],
    ['de-DE', '15:02'],
  ])('%s shows the clock as %s; UTC mode is 24-hour Zulu whatever the locale', (locale, clock) => {
    expect(clockLabel(at, { zone: 'Europe/Paris', utc: false, locale })).toBe(clock);
    expect(clockLabel(at, { zone: 'Europe/Paris', utc: true, locale })).toBe('13:02Z');
  });

  it('gives seconds and the offset of that day in the detail', () => {
    const f = { zone: 'Europe/Paris', utc: false, locale: 'en-GB' };
    expect(secondsLabel(at, f)).toBe('15:02:07');
    expect(fullLabel(at, f)).toContain('Europe/Paris (UTC+02:00)');
    expect(fullLabel(at - 86_400_000, f)).toContain('Europe/Paris (UTC+01:00)');
    expect(fullLabel(at, f)).toContain('2026-03-29 13:02:07 UTC');
  });

  it('names the day in words and adds a date only when the day differs', () => {
    const f = { zone: 'Asia/Singapore', utc: false, locale: 'en-GB' };
    expect(dayHeading(at, f)).toBe('Sunday, 29 March 2026');
    expect(whenLabel(at, f, at + 3_600_000)).toBe('21:02');
    expect(whenLabel(at, f, at + 86_400_000)).toBe('29 Mar, 21:02');
  });
});

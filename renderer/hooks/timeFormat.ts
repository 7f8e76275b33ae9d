import { createContext, useContext } from 'react';
import { formatClock, formatDate, formatOffset, zoneOffsetMin } from '../../shared/time.ts';

/** How the viewer wants times shown: their zone, or UTC one keystroke away. */
export interface TimeFormat {
  zone: string;
  utc: boolean;
  /** BCP 47 locale; undefined means the browser's own (the normal case). */
  locale?: string;
}

export const systemZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export const TimeFormatContext = createContext<TimeFormat>({ zone: 'UTC', utc: false });

export const useTimeFormat = (): TimeFormat => useContext(TimeFormatContext);

export const displayZone = (f: TimeFormat): string => (f.utc ? 'UTC' : f.zone);

const intlCache = new Map<string, Intl.DateTimeFormat>();
/** Intl formatters in the viewer's own locale (undefined = the browser's), cached per zone and shape. */
function intl(zone: string, shape: 'clock' | 'seconds' | 'day' | 'full', locale?: string): Intl.DateTimeFormat {
  const key = `${locale ?? ''}|${zone}|${shape}`;
  let f = intlCache.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      shape === 'clock' ? { hour: '2-digit', minute: '2-digit' }
      : shape === 'seconds' ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
      : shape === 'day' ? { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }
      : { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' };
    f = new Intl.DateTimeFormat(locale, { ...opts, timeZone: zone });
    intlCache.set(key, f);
  }
  return f;
}

/**
 * The time of day in the display zone, in the viewer's locale ("14:05", or "2:05 PM" where that is
 * the custom). UTC mode keeps 24-hour "14:05Z": the responders' shared clock, never mistaken for local.
 */
export function clockLabel(at: number, f: TimeFormat): string {
  return f.utc ? `${formatClock(at, 'UTC')}Z` : intl(f.zone, 'clock', f.locale).format(at);
}

/** With seconds, for hover details. */
export function secondsLabel(at: number, f: TimeFormat): string {
  return f.utc ? `${formatClock(at, 'UTC', true)}Z` : intl(f.zone, 'seconds', f.locale).format(at);
}

/** "27 Nov" (or "27 Nov 2025" in another year) in the display zone and the viewer's locale. */
export function shortDate(at: number, f: TimeFormat, now = Date.now()): string {
  const zone = displayZone(f);
  const sameYear = formatDate(at, zone).slice(0, 4) === formatDate(now, zone).slice(0, 4);
  return new Intl.DateTimeFormat(f.locale, { day: 'numeric', month: 'short', ...(sameYear ? {} : { year: 'numeric' }), timeZone: zone }).format(at);
}

/** "Thursday 3 December 2026" in the display zone and the viewer's locale. */
export function dayHeading(at: number, f: TimeFormat): string {
  return intl(displayZone(f), 'day', f.locale).format(at);
}

/**
 * The full instant for a tooltip: local with seconds and the zone's offset at that instant (which
 * differs across a DST change), then UTC.
 */
export function fullLabel(at: number, f: TimeFormat): string {
  const utc = `${formatDate(at, 'UTC')} ${formatClock(at, 'UTC', true)} UTC`;
  if (f.utc) return utc;
  return `${intl(f.zone, 'full', f.locale).format(at)} ${f.zone} (${formatOffset(at, f.zone)}) · ${utc}`;
}

export function dateLabel(at: number, f: TimeFormat): string {
  return formatDate(at, displayZone(f));
}

/** Converts a wall-clock "YYYY-MM-DDTHH:MM" in `zone` to UTC milliseconds (DST-safe to the minute). */
export function wallTimeToUtc(wall: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(wall);
  if (!m) return null;
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let guess = asUtc - zoneOffsetMin(asUtc, zone) * 60_000;
  guess = asUtc - zoneOffsetMin(guess, zone) * 60_000;
  return guess;
}

/** The instant as "YYYY-MM-DDTHH:MM" wall time in `zone`, for datetime-local inputs. */
export function utcToWallTime(at: number, zone: string): string {
  return `${formatDate(at, zone)}T${formatClock(at, zone)}`;
}

/** The time of day, with a short date in front when the day is not the same as `ref`'s (e.g. today). */
export function whenLabel(at: number, f: TimeFormat, ref = Date.now()): string {
  return dateLabel(at, f) === dateLabel(ref, f) ? clockLabel(at, f) : `${shortDate(at, f, ref)}, ${clockLabel(at, f)}`;
}

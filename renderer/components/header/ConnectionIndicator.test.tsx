import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { ConnectionIndicator, lagText, type ConnectionView } from './ConnectionIndicator.tsx';
import { updateCountdownText } from './UpdateCountdown.tsx';

afterEach(cleanup);

describe('ConnectionIndicator', () => {
  it.each<[ConnectionView, string]>([
    [{ status: 'connected', attempt: 0, unsynced: 0 }, 'Live'],
    [{ status: 'connected', attempt: 0, unsynced: 2 }, 'Live · sending 2 unsynced changes'],
    [{ status: 'connected', attempt: 0, unsynced: 0, catchingUp: true }, 'Catching up…'],
    [{ status: 'reconnecting', attempt: 3, unsynced: 1 }, 'Reconnecting (attempt 3) · 1 unsynced change'],
    [{ status: 'offline', attempt: 0, unsynced: 20 }, 'Offline · 20 unsynced changes'],
    [{ status: 'offline', attempt: 0, unsynced: 0 }, 'Offline · no unsynced changes'],
    [{ status: 'refused', attempt: 0, unsynced: 0, message: 'bad token' }, 'Not connected'],
    // Connected to a server that cannot save (its database is down): never "Live".
    [{ status: 'connected', attempt: 0, unsynced: 3, trouble: 'server unavailable' }, 'Saving… (server unavailable) · 3 unsynced changes'],
    [{ status: 'connected', attempt: 0, unsynced: 0, trouble: 'server unavailable' }, 'Connected, server unavailable · no unsynced changes'],
    [{ status: 'connected', attempt: 0, unsynced: 1, trouble: 'server busy', catchingUp: true }, 'Catching up… (server busy) · 1 unsynced change'],
    [{ status: 'offline', attempt: 0, unsynced: 1, trouble: 'server unavailable' }, 'Offline · 1 unsynced change'],
  ])('%j reads "%s"', (c, text) => {
    render(<ConnectionIndicator connection={c} />);
    const el = screen.getByTestId('connection-state');
    expect(el.textContent).toBe(text);
    expect(el.getAttribute('data-status')).toBe(c.status);
  });

  it.each<[ConnectionView, string | null]>([
    [{ status: 'connected', attempt: 0, unsynced: 0, rttMs: 41.6 }, '42 ms'],
    [{ status: 'connected', attempt: 0, unsynced: 0, rttMs: 1840 }, 'slow: 1.8 s'],
    [{ status: 'connected', attempt: 0, unsynced: 0, rttMs: null }, null],
    [{ status: 'offline', attempt: 0, unsynced: 0, rttMs: 40 }, null],
    [{ status: 'reconnecting', attempt: 2, unsynced: 0, rttMs: 40 }, null],
  ])('shows the lag of %j as %s, and only while connected', (c, text) => {
    expect(lagText(c)).toBe(text);
    render(<ConnectionIndicator connection={c} />);
    expect(screen.queryByTestId('connection-lag')?.textContent ?? null).toBe(text);
  });

  it('never says Live unless connected and caught up', () => {
    render(<ConnectionIndicator connection={{ status: 'connected', attempt: 0, unsynced: 3, catchingUp: true }} />);
    expect(screen.getByTestId('connection-state').textContent).not.toMatch(/live/i);
    cleanup();
    for (const status of ['connecting', 'reconnecting', 'offline', 'refused'] as const) {
      render(<ConnectionIndicator connection={{ status, attempt: 1, unsynced: 0 }} />);
      expect(screen.getByTestId('connection-state').textContent).not.toMatch(/live/i);
      cleanup();
    }
  });
});

describe('update countdown', () => {
  const now = Date.parse('2026-11-27T13:00:00Z');
  it.each([
    [now + 7 * 60_000, 'next update due in 7 min'],
    [now + 6 * 60_000 + 1, 'next update due in 7 min'],
    [now - 3 * 60_000, 'update overdue by 3 min'],
    [now + 90 * 60_000, 'next update due in 1h 30m'],
  ])('due %i → %s', (due, text) => {
    expect(updateCountdownText(due, now)).toBe(text);
  });
  it('says nothing once resolved', () => expect(updateCountdownText(null, now)).toBeNull());
});

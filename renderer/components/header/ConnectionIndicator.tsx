/** What the indicator needs; the store's connection slice maps onto it (see hooks/useIncidentView.ts). */
export interface ConnectionView {
  status: 'connecting' | 'connected' | 'reconnecting' | 'offline' | 'refused';
  /** Reconnection attempt number, 1-based; 0 when not reconnecting. */
  attempt: number;
  /** Changes made here that the server has not acknowledged yet. */
  unsynced: number;
  /** The server's sentence when it refused the connection. */
  message?: string | null;
  /** Connected, but the open incident has not caught up with the server yet. */
  catchingUp?: boolean;
  /** Last measured round trip to the server, in ms; null when unknown. */
  rttMs?: number | null;
  /**
   * Connected, but the server keeps refusing changes transiently (e.g. "server unavailable": its
   * database is down). They stay queued and are resent; the indicator must not say "Live".
   */
  trouble?: string | null;
  /** The server's sentence for that trouble. */
  troubleMessage?: string | null;
}

/** Above this round trip the lag is called out as slow. */
export const SLOW_RTT_MS = 1_000;

/** "42 ms" / "slow: 1.8 s" while connected; nothing otherwise (an old number would mislead). */
export function lagText(c: ConnectionView): string | null {
  if (c.status !== 'connected' || c.rttMs == null) return null;
  const ms = Math.round(c.rttMs);
  return ms >= SLOW_RTT_MS ? `slow: ${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

const changes = (n: number) => `${n} unsynced change${n === 1 ? '' : 's'}`;

/** The indicator's words; only a connected socket with an empty outbox reads "Live". */
export function connectionText(c: ConnectionView): string {
  switch (c.status) {
    case 'connected':
      if (c.trouble) {
        if (c.catchingUp) return `Catching up… (${c.trouble})${c.unsynced > 0 ? ` · ${changes(c.unsynced)}` : ''}`;
        return c.unsynced > 0 ? `Saving… (${c.trouble}) · ${changes(c.unsynced)}` : `Connected, ${c.trouble} · no unsynced changes`;
      }
      if (c.catchingUp) return `Catching up…${c.unsynced > 0 ? ` · ${changes(c.unsynced)}` : ''}`;
      return c.unsynced > 0 ? `Live · sending ${changes(c.unsynced)}` : 'Live';
    case 'connecting':
      return c.unsynced > 0 ? `Connecting… · ${changes(c.unsynced)}` : 'Connecting…';
    case 'reconnecting':
      return `Reconnecting (attempt ${Math.max(1, c.attempt)})${c.unsynced > 0 ? ` · ${changes(c.unsynced)}` : ''}`;
    case 'offline':
      return `Offline · ${c.unsynced > 0 ? changes(c.unsynced) : 'no unsynced changes'}`;
    case 'refused':
      return `Not connected${c.unsynced > 0 ? ` · ${changes(c.unsynced)}` : ''}`;
    default: {
      const never: never = c.status;
      return String(never);
    }
  }
}

export function ConnectionIndicator({ connection }: { connection: ConnectionView }) {
  const lag = lagText(connection);
  const trouble = connection.status === 'connected' ? connection.trouble ?? null : null;
  return (
    <>
    <span
      // A troubled connection looks like a reconnecting one (amber): it is not delivering.
      className={`conn conn-${trouble ? 'reconnecting conn-trouble' : connection.status}`}
      data-testid="connection-state"
      data-status={connection.status}
      data-unsynced={connection.unsynced}
      data-catching-up={connection.catchingUp ? 'true' : undefined}
      data-trouble={trouble ?? undefined}
      title={(trouble ? connection.troubleMessage : connection.message) ?? undefined}
      role="status"
    >
      {connectionText(connection)}
    </span>
    {lag && (
      <span className={`conn-lag${(connection.rttMs ?? 0) >= SLOW_RTT_MS ? ' conn-lag-slow' : ''}`} data-testid="connection-lag" title="Round trip to the server">
        {lag}
      </span>
    )}
    </>
  );
}

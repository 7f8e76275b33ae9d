/** Who is connected to each incident, and who is typing. In memory only: never stored. */
import type { PresenceState, SocketData } from '../shared/protocol.ts';

/**
 * What a socket carries for presence across nodes: the adapter's fetchSockets() returns each
 * socket's data from every node, so typing lives there too (server-side only, not on the wire).
 */
export interface PresenceSocketData extends SocketData {
  typing?: string[];
}

interface RemoteSocketLike {
  data: PresenceSocketData;
}

/** Presence of one room from the sockets of every node (the fan-out adapter answers for the others). */
export function presenceFromSockets(incidentId: string, sockets: readonly RemoteSocketLike[]): PresenceState {
  const members = new Map<string, { connections: number; typing: boolean }>();
  for (const s of sockets) {
    const m = members.get(s.data.clientId) ?? { connections: 0, typing: false };
    m.connections++;
    m.typing ||= s.data.typing?.includes(incidentId) ?? false;
    members.set(s.data.clientId, m);
  }
  return {
    incidentId,
    members: [...members.entries()].map(([clientId, m]) => ({ clientId, ...m })).sort((a, b) => a.clientId.localeCompare(b.clientId)),
  };
}

interface MemberPresence {
  sockets: Set<string>;
  typing: Set<string>;
}

export function createPresence() {
  const incidents = new Map<string, Map<string, MemberPresence>>();

  const member = (incidentId: string, clientId: string): MemberPresence => {
    let m = incidents.get(incidentId);
    if (!m) incidents.set(incidentId, (m = new Map()));
    let p = m.get(clientId);
    if (!p) m.set(clientId, (p = { sockets: new Set(), typing: new Set() }));
    return p;
  };

  return {
    /** False when the socket was already listed (a join again to catch up changes nobody's presence). */
    add(incidentId: string, clientId: string, socketId: string): boolean {
      const sockets = member(incidentId, clientId).sockets;
      if (sockets.has(socketId)) return false;
      sockets.add(socketId);
      return true;
    },
    remove(incidentId: string, clientId: string, socketId: string): void {
      const m = incidents.get(incidentId);
      const p = m?.get(clientId);
      if (!m || !p) return;
      p.sockets.delete(socketId);
      p.typing.delete(socketId);
      if (p.sockets.size === 0) m.delete(clientId);
      if (m.size === 0) incidents.delete(incidentId);
    },
    /** False when the socket is not in the incident (nothing changes then). */
    setTyping(incidentId: string, clientId: string, socketId: string, typing: boolean): boolean {
      const p = incidents.get(incidentId)?.get(clientId);
      if (!p || !p.sockets.has(socketId)) return false;
      if (typing) p.typing.add(socketId);
      else p.typing.delete(socketId);
      return true;
    },
    state(incidentId: string): PresenceState {
      const m = incidents.get(incidentId) ?? new Map<string, MemberPresence>();
      const members = [...m.entries()]
        .map(([clientId, p]) => ({ clientId, connections: p.sockets.size, typing: p.typing.size > 0 }))
        .sort((a, b) => a.clientId.localeCompare(b.clientId));
      return { incidentId, members };
    },
    online(incidentId: string): number {
      return incidents.get(incidentId)?.size ?? 0;
    },
  };
}

export type Presence = ReturnType<typeof createPresence>;

/**
 * Sends something per key at most once every `intervalMs`: the first mark of a quiet key sends at
 * once, marks during the pause after a send are merged into one send when it ends (so the last state
 * always goes out). `send` may be async; the pause starts when it settles, so sends never overlap.
 */
export function createCoalescer(intervalMs: number, send: (key: string) => Promise<void> | void) {
  interface Slot { dirty: boolean; sending: boolean; timer: ReturnType<typeof setTimeout> | null }
  const slots = new Map<string, Slot>();
  let closed = false;

  const pause = (key: string, slot: Slot) => {
    slot.timer = setTimeout(() => {
      slot.timer = null;
      if (slot.dirty) flush(key, slot);
      else slots.delete(key);
    }, intervalMs);
  };
  const flush = (key: string, slot: Slot) => {
    slot.dirty = false;
    slot.sending = true;
    // A failing send is the sender's to log; the pause still follows so a later mark is not lost.
    void Promise.resolve().then(() => send(key)).catch(() => undefined).finally(() => {
      slot.sending = false;
      if (!closed) pause(key, slot);
    });
  };

  return {
    mark(key: string): void {
      if (closed) return;
      let slot = slots.get(key);
      if (!slot) slots.set(key, (slot = { dirty: false, sending: false, timer: null }));
      slot.dirty = true;
      if (!slot.sending && !slot.timer) flush(key, slot);
    },
    /** Drops pending sends and their timers (server close). */
    close(): void {
      closed = true;
      for (const slot of slots.values()) if (slot.timer) clearTimeout(slot.timer);
      slots.clear();
    },
    /** Keys with a send running or pending (tests). */
    pending(): number {
      return slots.size;
    },
  };
}

export type Coalescer = ReturnType<typeof createCoalescer>;

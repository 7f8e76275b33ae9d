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
    add(incidentId: string, clientId: string, socketId: string): void {
      member(incidentId, clientId).sockets.add(socketId);
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

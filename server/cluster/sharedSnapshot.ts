/**
 * A snapshot is serialized once per (incident, seq) and the same bytes go to every joiner.
 *
 * socket.io encodes each ack on its own: ten joiners of an incident with a 32 MB state cost ten
 * JSON.stringify runs (the event loop stalls for each) and ten 32 MB strings plus ten 32 MB buffers
 * held until sent. Here the join answer carries a SharedSnapshotState marker; the socket's ack
 * path (installSharedAcks) writes it as a fragmented WebSocket text message: a small first frame
 * with the packet head, a continuation frame whose payload is the shared buffer, and a small last
 * frame. On the wire the message is byte for byte what socket.io would have sent, so clients are
 * unchanged. Anything that is not a plain websocket (compression on) falls back to toJSON().
 */
import type { IncidentState } from '../../shared/model.ts';
import { SNAPSHOT_CACHE_MAX_BYTES } from '../../shared/constants.ts';
import type { WarSocket } from '../handlers/context.ts';

export class SharedSnapshotState {
  readonly state: IncidentState;
  readonly json: Buffer;
  constructor(state: IncidentState, json: Buffer) {
    this.state = state;
    this.json = json;
  }

  toJSON(): IncidentState {
    return this.state;
  }
}

/** The serialized states of the most recently joined incidents, bounded by total bytes. */
export function createSnapshotCache(maxBytes = SNAPSHOT_CACHE_MAX_BYTES) {
  const byIncident = new Map<string, SharedSnapshotState>();
  let total = 0;
  const remove = (id: string) => {
    const e = byIncident.get(id);
    if (!e) return;
    byIncident.delete(id);
    total -= e.json.length;
  };
  return {
    /** The shared serialization of this state; made on first use, then reused while the state is current. */
    get(incidentId: string, state: IncidentState): SharedSnapshotState {
      const hit = byIncident.get(incidentId);
      // The engine's state objects are never changed in place: same object, same seq, same bytes.
      if (hit && hit.state === state) {
        byIncident.delete(incidentId);
        byIncident.set(incidentId, hit);
        return hit;
      }
      remove(incidentId);
      const shared = new SharedSnapshotState(state, Buffer.from(JSON.stringify(state)));
      byIncident.set(incidentId, shared);
      total += shared.json.length;
      for (const id of byIncident.keys()) {
        if (total <= maxBytes || byIncident.size === 1) break;
        remove(id);
      }
      return shared;
    },
    bytes: () => total,
  };
}

export type SnapshotCache = ReturnType<typeof createSnapshotCache>;

const ACK = 3;
/** Marks where the state goes in the serialized answer; the snapshot comes first in it, so the first hit is ours. */
const HOLE = '\u0000warroom-shared-state\u0000';

function frameHeader(fin: boolean, opcode: number, length: number): Buffer {
  const first = (fin ? 0x80 : 0) | opcode;
  if (length < 126) return Buffer.from([first, length]);
  if (length < 65_536) {
    const b = Buffer.alloc(4);
    b[0] = first;
    b[1] = 126;
    b.writeUInt16BE(length, 2);
    return b;
  }
  const b = Buffer.alloc(10);
  b[0] = first;
  b[1] = 127;
  b.writeBigUInt64BE(BigInt(length), 2);
  return b;
}

interface AckPacket { type: number; id?: number; data?: unknown[] }
interface EngineConn {
  readyState: string;
  transport: { name: string; perMessageDeflate?: unknown; socket?: { _sender?: { sendFrame?: unknown } } };
  write(data: string, options: { wsPreEncodedFrame: Buffer[] }): void;
}

function sharedOf(data: unknown): SharedSnapshotState | null {
  const snap = (data as { snapshot?: { state?: unknown } } | null)?.snapshot;
  return snap?.state instanceof SharedSnapshotState ? snap.state : null;
}

/** Sends acks whose answer holds a SharedSnapshotState as shared frames (see the file comment). */
export function installSharedAcks(socket: WarSocket): void {
  const s = socket as unknown as { packet(p: AckPacket, opts?: object): void };
  const original = s.packet.bind(socket);
  s.packet = (packet, opts) => {
    const answer = packet.data?.[0];
    const shared = packet.type === ACK && packet.id !== undefined && packet.data?.length === 1 ? sharedOf(answer) : null;
    const conn = socket.conn as unknown as EngineConn;
    const plainWs = conn.transport.name === 'websocket' && !conn.transport.perMessageDeflate
      && typeof conn.transport.socket?._sender?.sendFrame === 'function';
    if (!shared || !plainWs || conn.readyState !== 'open') {
      original(packet, opts);
      return;
    }
    const a = answer as { snapshot: { seq: number } };
    const text = JSON.stringify([{ ...a, snapshot: { ...a.snapshot, state: HOLE } }]);
    const hole = JSON.stringify(HOLE);
    const at = text.indexOf(hole);
    // "4" is engine.io's message, then socket.io's ack type and id, then the JSON of the arguments.
    const head = Buffer.from(`4${ACK}${packet.id}${text.slice(0, at)}`);
    const tail = Buffer.from(text.slice(at + hole.length));
    // Written in one go: engine.io queues them in order and nothing can come between the fragments.
    conn.write('4', { wsPreEncodedFrame: [frameHeader(false, 1, head.length), head] });
    conn.write('4', { wsPreEncodedFrame: [frameHeader(false, 0, shared.json.length), shared.json] });
    conn.write('4', { wsPreEncodedFrame: [frameHeader(true, 0, tail.length), tail] });
  };
}

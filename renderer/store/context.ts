/** What slices and the sync engine share: injected dependencies plus the engine and the saver. */
import type { PlatformBridge } from '../../shared/bridge.ts';
import type { IncidentRecord, Persistence } from '../persistence/persistence.ts';
import type { Transport } from '../sync/transport.ts';

export interface StoreDeps {
  transport: Transport;
  persistence: Persistence;
  /** Notifications and settings mirroring; optional so node tests can leave it out. */
  platform?: PlatformBridge | null;
  now?: () => number;
  uuid?: () => string;
  /**
   * Delay before remote changes are written to disk, in ms (outbox writes are immediate). Tests
   * that set it also shorten the state-save interval and the quiet time after a join to it.
   */
  saveDebounceMs?: number;
  /** Run the 15 s liveness ping (tests call tick() instead); duties on a clock are the server's. */
  timers?: boolean;
}

/** The engine as slices see it (implemented in sync/syncEngine.ts). */
export interface EngineHandle {
  /** The open incident changed (opened or closed). */
  incidentChanged(): void;
  /** The outbox grew: send it when live. */
  kick(): void;
  /** Forget per-connection state and (re)connect with the remembered server and token. */
  /** `session`: the session token held for this server, sent along with an invite to prove the member id is ours. */
  connect(serverUrl: string, token: string, session?: string | null): void;
  disconnect(): void;
  refreshIncidents(): Promise<void>;
  /** Measures the round trip (rttMs) with a cheap request, when connected. */
  ping(): Promise<void>;
  /** Leave an incident on the server (best effort). */
  leave(incidentId: string): void;
}

export interface Saver {
  /** `ops` committed ops changed the state: write it when the state-save policy says so. */
  schedule(ops?: number): void;
  /**
   * The outbox changed: a grown outbox is written now (the committed state with it only when due);
   * resolves once durable. Later writes never overtake earlier ones.
   */
  saveNow(): Promise<void>;
  /** Writes everything now, the current committed state included (close, page hidden, tests). */
  saveAll(): Promise<void>;
  /** The record was just read from disk (null: nothing stored). */
  loaded(serverUrl: string, incidentId: string, record: IncidentRecord | null): void;
  /** A join answer was folded: hold state writes off for a while. */
  joined(): void;
}

export interface StoreCtx {
  transport: Transport;
  persistence: Persistence;
  platform: PlatformBridge | null;
  now: () => number;
  uuid: () => string;
  engine: EngineHandle;
  saver: Saver;
}

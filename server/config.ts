/** Server configuration with its defaults; the CLI maps flags and env vars onto it. */
import type { DeclareRule } from './hooks/route.ts';
import type { WebhookTarget, WebhookTiming } from './webhooks/dispatcher.ts';
import {
  DUTY_SCAN_MS, HELP_ESCALATE_AFTER_MIN, JOIN_MAX_OPS_WITHOUT_SNAPSHOT, MAX_PAYLOAD_BYTES, RATE_LIMIT_BURST, RATE_LIMIT_OPS_PER_SEC, SNAPSHOT_EVERY_OPS,
} from '../shared/constants.ts';

import type { ClusterOptions } from './cluster/node.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServerConfig {
  /** Interface to bind; 127.0.0.1 unless told otherwise. */
  host?: string;
  /** 0 picks a free port; the real one is in the returned url. */
  port?: number;
  /** Holds the secret, the SQLite file, backups and the lock file. */
  dataDir: string;
  logLevel?: LogLevel;
  /** Minutes between automatic backups (SQLite only); 0 disables them. */
  backupEveryMin?: number;
  /** How many automatic backups to keep. */
  backupKeep?: number;
  /** The address people use to reach this server (behind a proxy); defaults to the bound url. */
  publicUrl?: string;
  maxPayloadBytes?: number;
  /** Signing secret shared by every node of a cluster; otherwise read or created in dataDir. */
  secret?: string;
  /** Lifetime of invites minted without an explicit one (ms); null: never. Default INVITE_DEFAULT_TTL_MS. */
  inviteTtlMs?: number | null;
  /** Where the built renderer is; defaults to dist/renderer of this package. */
  staticDir?: string;
  /**
   * Allows creating a new, empty embedded database where one is expected but missing or empty
   * (see checkDataDirForStore in dataDir.ts). Never replaces a database that has data.
   */
  init?: boolean;
  /**
   * The embedded SQLite store on a worker thread (server/store/sqliteThreaded.ts), so commits and
   * snapshots never block the event loop. Default true; WARROOM_SQLITE_THREAD=0 sets false.
   */
  sqliteThread?: boolean;
  /** Seeds the Black Friday demo incident if it is absent. */
  demo?: boolean;
  /** Overrides for tests and benchmarks; production uses shared/constants.ts. */
  limits?: Partial<Limits>;
  /** Admission control and slow-consumer thresholds (tests); production uses shared/constants.ts. */
  cluster?: ClusterOptions;
  /** Duties: minutes before an open help request widens to everyone with the skill; twice that, to everyone. Decimals allowed. */
  escalateAfterMin?: number;
  /** Duties: how often each node looks for due duties (ms); 0 runs no clock on this node. */
  dutyScanMs?: number;
  /** Alerts in: an alert no incident claims declares one when its labels match any of these. */
  declareFromAlerts?: DeclareRule[];
  /** Webhooks out, and (tests) their retry timing. */
  webhooks?: WebhookTarget[];
  webhookTiming?: Partial<WebhookTiming>;
  /** Duties' clock (tests move it forward to reach a reminder); Date.now otherwise. */
  dutyNow?: () => number;
}

export interface Limits {
  snapshotEveryOps: number;
  joinMaxOpsWithoutSnapshot: number;
  rateLimitPerSec: number;
  rateLimitBurst: number;
  /**
   * Budget of the engine's incident cache, in estimated bytes (JSON length of the folded state):
   * least recently used incidents beyond it leave memory and come back from their snapshot.
   * WARROOM_CACHE_MB sets it in MiB.
   */
  cacheBytes: number;
}

/**
 * Default cache budget (MiB of estimated state): holds the memory benchmark's 100 incidents of 1k ops
 * (≈ 37 MiB estimated) written all at once, and a single incident of 100k such ops (≈ 37 MiB). Below
 * the working set of concurrently written incidents the LRU thrashes (100 × 1k at 16 MiB: fill 2.6× slower).
 */
export const DEFAULT_CACHE_MB = 64;

/** WARROOM_CACHE_MB, or the default; a bad value is refused with a sentence rather than ignored. */
export function cacheBytesOf(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WARROOM_CACHE_MB;
  if (raw === undefined || raw === '') return DEFAULT_CACHE_MB * 2 ** 20;
  const mb = Number(raw);
  if (!Number.isFinite(mb) || mb < 0) throw new Error(`WARROOM_CACHE_MB must be a number of MiB (0 or more), not "${raw}".`);
  return Math.round(mb * 2 ** 20);
}

export const DEFAULT_BACKUP_EVERY_MIN = 60;
export const DEFAULT_BACKUP_KEEP = 24;
export const DEFAULT_PORT = 4000;
export const DEFAULT_HOST = '127.0.0.1';

export function limitsOf(config: ServerConfig): Limits {
  return {
    snapshotEveryOps: SNAPSHOT_EVERY_OPS,
    joinMaxOpsWithoutSnapshot: JOIN_MAX_OPS_WITHOUT_SNAPSHOT,
    rateLimitPerSec: RATE_LIMIT_OPS_PER_SEC,
    rateLimitBurst: RATE_LIMIT_BURST,
    cacheBytes: config.limits?.cacheBytes ?? cacheBytesOf(),
    ...config.limits,
  };
}

/** config.sqliteThread, else WARROOM_SQLITE_THREAD (0 or false: on the event loop), else on. */
export function sqliteThreadOf(config: ServerConfig, env: NodeJS.ProcessEnv = process.env): boolean {
  if (config.sqliteThread !== undefined) return config.sqliteThread;
  const v = env.WARROOM_SQLITE_THREAD?.trim().toLowerCase();
  return !(v === '0' || v === 'false' || v === 'off' || v === 'no');
}

export const maxPayloadOf = (config: ServerConfig): number => config.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;

export function dutyConfigOf(config: ServerConfig) {
  return {
    escalateAfterMin: config.escalateAfterMin ?? HELP_ESCALATE_AFTER_MIN,
    scanMs: config.dutyScanMs ?? DUTY_SCAN_MS,
    declareFromAlerts: config.declareFromAlerts ?? [],
    webhooks: config.webhooks ?? [],
    ...(config.webhookTiming ? { webhookTiming: config.webhookTiming } : {}),
    ...(config.dutyNow ? { now: config.dutyNow } : {}),
  };
}

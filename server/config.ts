/** Server configuration with its defaults; the CLI maps flags and env vars onto it. */
import {
  JOIN_MAX_OPS_WITHOUT_SNAPSHOT, MAX_PAYLOAD_BYTES, RATE_LIMIT_BURST, RATE_LIMIT_OPS_PER_SEC, SNAPSHOT_EVERY_OPS,
} from '../shared/constants.ts';

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
  /** Seeds the Black Friday demo incident if it is absent. */
  demo?: boolean;
  /** Overrides for tests and benchmarks; production uses shared/constants.ts. */
  limits?: Partial<Limits>;
}

export interface Limits {
  snapshotEveryOps: number;
  joinMaxOpsWithoutSnapshot: number;
  rateLimitPerSec: number;
  rateLimitBurst: number;
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
    ...config.limits,
  };
}

export const maxPayloadOf = (config: ServerConfig): number => config.maxPayloadBytes ?? MAX_PAYLOAD_BYTES;

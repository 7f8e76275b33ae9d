/**
 * The unsent tray on disk: changes the server refused for good (permanent codes), kept with the
 * server's sentence so what a person wrote is never silently gone. One list per install (each item
 * names its server and incident), validated when read back: a damaged item is dropped, never loaded.
 */
import { z } from 'zod';
import { MAX_UNSENT_ITEMS } from '../../shared/constants.ts';
import { ERROR_MESSAGES, type ErrorCode } from '../../shared/errors.ts';
import { parseOp, type Op } from '../../shared/ops.ts';

export interface UnsentItem {
  /** The refused op's opId (a retry is a new op with a new opId). */
  id: string;
  serverUrl: string;
  incidentId: string;
  /** The incident's title when it was refused, so the tray reads well outside the incident. */
  incidentTitle: string | null;
  op: Op;
  code: ErrorCode;
  /** The server's sentence. */
  message: string;
  /** When it was refused (UTC ms). */
  at: number;
}

/** Where the tray lives; IndexedDB in the app, memory in tests. Writes resolve once durable. */
export interface UnsentStorage {
  loadUnsent(): Promise<unknown>;
  saveUnsent(items: readonly UnsentItem[]): Promise<void>;
}

const itemSchema = z.object({
  id: z.string().min(1).max(64),
  serverUrl: z.string().max(2_000),
  incidentId: z.string().min(1).max(64),
  incidentTitle: z.string().max(1_000).nullable(),
  op: z.unknown(),
  code: z.string().refine((c): c is ErrorCode => Object.hasOwn(ERROR_MESSAGES, c)),
  message: z.string().max(4_000),
  at: z.number(),
});

/** The items of a stored tray that still validate (ops through the same parser the server uses). */
export function parseUnsent(raw: unknown): UnsentItem[] {
  if (!Array.isArray(raw)) return [];
  const out: UnsentItem[] = [];
  for (const entry of raw.slice(-MAX_UNSENT_ITEMS)) {
    const r = itemSchema.safeParse(entry);
    if (!r.success) continue;
    const op = parseOp(r.data.op);
    if (!op.ok) continue;
    out.push({ ...r.data, code: r.data.code as ErrorCode, op: op.value });
  }
  return out;
}

/** Fields a person typed, in the order the tray shows and edits them. */
const TEXT_FIELDS = ['text', 'title', 'summary', 'note', 'description', 'impact', 'customerImpact', 'rootCause', 'trigger', 'detection'] as const;

/** The main text of a change: what copy copies and edit-and-retry edits (null when it carries none). */
export function mainTextOf(op: Op): { field: string; text: string } | null {
  const payload = op.payload as Record<string, unknown>;
  for (const field of TEXT_FIELDS) {
    const v = Object.hasOwn(payload, field) ? payload[field] : undefined;
    if (typeof v === 'string' && v.trim()) return { field, text: v };
  }
  return null;
}

export class MemoryUnsentStorage implements UnsentStorage {
  items: unknown = [];
  async loadUnsent(): Promise<unknown> {
    return structuredClone(this.items);
  }
  async saveUnsent(items: readonly UnsentItem[]): Promise<void> {
    this.items = structuredClone(items);
  }
}

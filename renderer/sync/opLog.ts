/**
 * Reads an incident's whole committed log from the server, page by page (incident:ops). The store
 * keeps only the folded state (a far-behind join answers with a snapshot), so this is how the JSON
 * export gets the full, lossless history.
 */
import { OPS_FETCH_MAX_PAGES, OPS_FETCH_RETRY_MS, OPS_PAGE_MAX } from '../../shared/constants.ts';
import type { Refusal } from '../../shared/errors.ts';
import { parseCommittedOp, type CommittedOp } from '../../shared/ops.ts';
import type { Transport } from './transport.ts';

/** The committed log in seq order up to (at least) `headSeq`; a seq the server quarantined may be missing. */
export type OpLogResult = { ok: true; ops: CommittedOp[]; headSeq: number } | Refusal;

export interface FetchOpLogOptions {
  /** Ops asked per page (the server serves at most OPS_PAGE_MAX). */
  pageSize?: number;
  maxPages?: number;
  retryDelayMs?: number;
}

const RATE_LIMIT_RETRIES = 5;

const failed = (why: string): Refusal => ({
  ok: false, code: 'INTERNAL', message: `The incident's history from the server could not be read (${why}). Try again.`,
});

/** Checks one page: ops of this incident, strictly after `afterSeq` and increasing. */
function readPage(res: unknown, incidentId: string, afterSeq: number): { ops: CommittedOp[]; headSeq: number } | string {
  const r = res as { ops?: unknown; headSeq?: unknown };
  if (!Array.isArray(r.ops) || !Number.isInteger(r.headSeq) || (r.headSeq as number) < 0) return 'an answer without ops or headSeq';
  const ops: CommittedOp[] = [];
  let last = afterSeq;
  for (const raw of r.ops) {
    const p = parseCommittedOp(raw);
    if (!p.ok) return p.message;
    if (p.value.incidentId !== incidentId) return 'an op of another incident';
    if (p.value.seq <= last) return 'ops out of order';
    last = p.value.seq;
    ops.push(p.value);
  }
  return { ops, headSeq: r.headSeq as number };
}

/**
 * Pages from seq 0 to the head the first answer reports (ops committed meanwhile may come along;
 * the end is fixed so a busy incident cannot keep the loop going). Never throws: a refusal of the
 * server (or SERVER_UNREACHABLE / TIMEOUT from the transport) is answered as is.
 */
export async function fetchOpLog(transport: Transport, incidentId: string, options: FetchOpLogOptions = {}): Promise<OpLogResult> {
  const pageSize = Math.max(1, Math.min(options.pageSize ?? OPS_PAGE_MAX, OPS_PAGE_MAX));
  const maxPages = options.maxPages ?? OPS_FETCH_MAX_PAGES;
  const ops: CommittedOp[] = [];
  let afterSeq = 0;
  let target: number | null = null;
  let retries = 0;
  for (let pages = 0; pages < maxPages;) {
    const res = await transport.request('incident:ops', { incidentId, afterSeq, limit: pageSize });
    if (!res.ok) {
      // Long logs can outrun the per-socket rate limit: wait and ask the same page again.
      if (res.code !== 'RATE_LIMITED' || ++retries > RATE_LIMIT_RETRIES) return res;
      await new Promise((r) => setTimeout(r, options.retryDelayMs ?? OPS_FETCH_RETRY_MS));
      continue;
    }
    pages++;
    retries = 0;
    const page = readPage(res, incidentId, afterSeq);
    if (typeof page === 'string') return failed(page);
    target ??= page.headSeq;
    ops.push(...page.ops);
    if (page.ops.length > 0) afterSeq = page.ops[page.ops.length - 1]!.seq;
    if (afterSeq >= target) return { ok: true, ops, headSeq: afterSeq };
    if (page.ops.length === 0) return failed(`the log ended at change #${afterSeq}, before its head #${target}`);
  }
  return failed(`more than ${maxPages} pages`);
}

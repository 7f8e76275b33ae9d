/**
 * The client side of paged snapshots (docs/PROTOCOL.md §4 `incident:join`, `incident:snapshot`).
 *
 * A join that asked for pages may answer a snapshot as a PagedSnapshot: page 0 of the UTF-8 bytes of
 * the state's JSON and how many pages there are. The pages are fetched at once (pipelined), joined
 * as bytes (so a page may end inside a character) and parsed once. The result is the ordinary join
 * answer, `snapshot: { seq, state }`, so callers parse and fold it exactly as an unpaged one.
 * A refused page (SNAPSHOT_GONE, an outage) is returned as that refusal: the caller joins again.
 */
import { refuse, type Refusal } from './errors.ts';
import type { SnapshotPageRequest } from './protocol.ts';

type PageRequest = (event: 'incident:snapshot', req: SnapshotPageRequest) => Promise<unknown>;

const bytesOf = (part: unknown): Uint8Array | null => {
  if (part instanceof ArrayBuffer) return new Uint8Array(part);
  if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  return null;
};

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

/** True when a join answer carries a paged snapshot still to be fetched. */
export function isPagedJoin(res: unknown): boolean {
  return isRecord(res) && res.ok === true && isRecord(res.snapshot) && typeof res.snapshot.pages === 'number';
}

/**
 * Turns a join answer with a paged snapshot into the plain answer; any other answer is returned as
 * it is. Never throws: malformed pages are an INVALID_OP refusal naming what was wrong.
 */
export async function assembleJoin(request: PageRequest, incidentId: string, res: unknown): Promise<unknown> {
  if (!isPagedJoin(res)) return res;
  const answer = res as Record<string, unknown> & { snapshot: Record<string, unknown> };
  const { seq, pages, bytes, part } = answer.snapshot;
  const bad = (why: string): Refusal => refuse('INVALID_OP', `paged snapshot of ${incidentId}: ${why}`);
  if (!Number.isSafeInteger(seq) || !Number.isSafeInteger(pages) || !Number.isSafeInteger(bytes) || (pages as number) < 1) return bad('seq, pages and bytes must be integers');
  const first = bytesOf(part);
  if (!first) return bad('page 0 is not binary');
  const parts: Uint8Array[] = [first];
  const asks: Promise<unknown>[] = [];
  for (let page = 1; page < (pages as number); page++) asks.push(request('incident:snapshot', { incidentId, seq: seq as number, page }));
  const answers = await Promise.all(asks);
  for (const [i, a] of answers.entries()) {
    if (!isRecord(a)) return bad(`page ${i + 1}: no answer`);
    if (a.ok !== true) return a;
    const b = bytesOf(a.part);
    if (!b || a.page !== i + 1 || a.seq !== seq) return bad(`page ${i + 1} is not the page asked for`);
    parts.push(b);
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  if (total !== bytes) return bad(`${total} bytes arrived, ${String(bytes)} announced`);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.byteLength;
  }
  let state: unknown;
  try {
    state = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(all));
  } catch (e) {
    return bad(`not UTF-8 JSON (${(e as Error).message})`);
  }
  return { ...answer, snapshot: { seq, state } };
}

/**
 * Delivery signatures. Each attempt carries `X-WarRoom-Timestamp` (unix seconds) and
 * `X-WarRoom-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. A receiver recomputes
 * the HMAC over the raw body, compares in constant time, and refuses a timestamp more than
 * WEBHOOK_TOLERANCE_SEC from its clock (a replay). The per-webhook secret is derived from the
 * cluster secret, so every node signs alike; `warroom webhook secret URL` prints it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_TOLERANCE_SEC } from '../../shared/constants.ts';

export const SIGNATURE_HEADER = 'x-warroom-signature';
export const TIMESTAMP_HEADER = 'x-warroom-timestamp';

export function webhookSecret(serverSecret: string, url: string): string {
  return createHmac('sha256', serverSecret).update(`webhook:${url}`).digest('hex');
}

export function signature(secret: string, timestampSec: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampSec}.${body}`).digest('hex')}`;
}

/** What a receiver does (used by the tests as the reference receiver). */
export function verifySignature(secret: string, headers: { signature?: string; timestamp?: string }, body: string, nowSec = Math.floor(Date.now() / 1000)): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSec - ts) > WEBHOOK_TOLERANCE_SEC || !headers.signature) return false;
  const want = Buffer.from(signature(secret, ts, body));
  const given = Buffer.from(headers.signature);
  return want.length === given.length && timingSafeEqual(want, given);
}

/**
 * Monitoring webhook payloads in: Prometheus Alertmanager (webhook version 4) and Grafana alerting
 * (its webhook contact point, version 1, same alert shape plus orgId/title/state). One endpoint
 * takes both and tells them apart by `version`/`orgId`. Parsed with zod, then mapped to the
 * `alert.record` payload; anything that does not map is a 400 before a single op is written.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MAX_HOOK_ALERTS, MAX_ID_CHARS, MAX_LIST_ITEMS, MAX_NAME_CHARS, MAX_SHORT_TEXT_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS } from '../../shared/constants.ts';
import type { PayloadOf } from '../../shared/ops.ts';
import { payloadSchemas, timeSchema } from '../../shared/ops.ts';

const labelMap = z.record(z.string().max(MAX_TEXT_CHARS), z.string().max(MAX_TEXT_CHARS));
const alertSchema = z.looseObject({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: labelMap.optional().default({}),
  startsAt: z.string().max(64),
  endsAt: z.string().max(64).optional(),
  generatorURL: z.string().max(MAX_TEXT_CHARS).optional(),
  fingerprint: z.string().max(MAX_ID_CHARS * 2).optional(),
});
const groupSchema = z.looseObject({
  version: z.string().max(8),
  status: z.enum(['firing', 'resolved']).optional(),
  groupKey: z.string().max(MAX_TEXT_CHARS).optional(),
  orgId: z.number().optional(),
  alerts: z.array(alertSchema).min(1).max(MAX_HOOK_ALERTS),
});

export type AlertSource = 'alertmanager' | 'grafana';
export type AlertRecord = PayloadOf<'alert.record'>;

export interface ParsedAlert {
  record: Omit<AlertRecord, 'entryId'>;
  /** Every label as sent, for routing (`warroom_incident`) and matchers. */
  labels: Readonly<Record<string, string>>;
}

export type ParsedHook = { ok: true; source: AlertSource; alerts: ParsedAlert[] } | { ok: false; message: string };

/** Alertmanager's "no end" is the zero time (0001-01-01); anything before 2000 means none. */
function time(value: string | undefined, what: string): number | null {
  if (value === undefined || value === '') return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`${what} "${value.slice(0, 40)}" is not a time`);
  if (ms < Date.UTC(2000, 0, 1)) return null;
  if (!timeSchema.safeParse(ms).success) throw new Error(`${what} "${value.slice(0, 40)}" is out of range`);
  return ms;
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
const httpUrl = (s: string | undefined) => (s && /^https?:\/\/[^\s]+$/i.test(s) && s.length <= MAX_SHORT_TEXT_CHARS * 4 ? s : '');

/** Alertmanager computes fingerprints from the label set; Grafana's older payloads have none, so we do the same. */
function fingerprintOf(labels: Record<string, string>): string {
  const sorted = Object.keys(labels).sort().map((k) => [k, labels[k]]);
  return createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
}

function mapAlert(source: AlertSource, a: z.infer<typeof alertSchema>): ParsedAlert {
  const startsAt = time(a.startsAt, 'startsAt');
  if (startsAt === null) throw new Error('startsAt is missing');
  const labels = Object.fromEntries(Object.entries(a.labels).filter(([k]) => k.length > 0));
  const annotations = a.annotations;
  const name = (labels.alertname ?? labels.__alert_rule_title__ ?? 'alert').trim() || 'alert';
  const record: Omit<AlertRecord, 'entryId'> = {
    source, status: a.status, name: clip(name, MAX_TITLE_CHARS),
    fingerprint: clip(a.fingerprint?.trim() || fingerprintOf(labels), MAX_ID_CHARS * 2),
    labels: Object.entries(labels).filter(([k]) => k !== '__alert_rule_uid__').slice(0, MAX_LIST_ITEMS)
      .map(([k, v]) => ({ name: clip(k, MAX_NAME_CHARS), value: clip(v, MAX_SHORT_TEXT_CHARS) })),
    summary: clip(annotations.summary ?? annotations.message ?? '', MAX_TEXT_CHARS),
    description: clip(annotations.description ?? '', MAX_TEXT_CHARS),
    startsAt, endsAt: a.status === 'resolved' ? time(a.endsAt, 'endsAt') : null,
    generatorUrl: httpUrl(a.generatorURL),
  };
  // The op schema is the last word: what it refuses is a bad payload, not an op the engine refuses later.
  const check = payloadSchemas['alert.record'].safeParse({ ...record, entryId: 'check' });
  if (!check.success) throw new Error(check.error.issues[0]?.message ?? 'alert does not map');
  return { record, labels };
}

export function parseHook(body: unknown): ParsedHook {
  const r = groupSchema.safeParse(body);
  if (!r.success) {
    const i = r.error.issues[0];
    return { ok: false, message: `${i?.path.join('.') || 'payload'}: ${i?.message ?? 'invalid'}` };
  }
  const g = r.data;
  let source: AlertSource;
  if (g.version === '4' && g.orgId === undefined) source = 'alertmanager';
  else if (g.orgId !== undefined || g.version === '1') source = 'grafana';
  else return { ok: false, message: `version "${g.version}" is neither Alertmanager's webhook version 4 nor Grafana's` };
  try {
    return { ok: true, source, alerts: g.alerts.map((a) => mapAlert(source, a)) };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

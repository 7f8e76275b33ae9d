/**
 * Which incident each alert belongs to, and the ops that record it. The label `warroom_incident`
 * names the incident; an integration token scoped to one incident sends everything there; else,
 * when a declare rule matches (`--declare-from-alerts severity=critical`), the notification's group
 * declares an incident of its own. Every id is derived (incident from the group's first alert,
 * entry and op from fingerprint + status + startsAt), so a retry or repeat by Alertmanager, on any
 * node, records nothing twice.
 */
import { MAX_TITLE_CHARS } from '../../shared/constants.ts';
import { SERVER_ACTOR_ID, type Severity } from '../../shared/model.ts';
import type { Op } from '../../shared/ops.ts';
import { derivedId, derivedUuid } from '../duties/ids.ts';
import type { ParsedAlert } from './payload.ts';

export const ROUTING_LABEL = 'warroom_incident';

/** Each matcher is label=value pairs that must all match; any matcher declares. */
export type DeclareRule = Readonly<Record<string, string>>;

export interface Route {
  incidentId: string;
  /** The op that declares it, when the alerts declare their own incident. */
  declare: Op | null;
  alerts: ParsedAlert[];
}

const matches = (labels: Readonly<Record<string, string>>, rule: DeclareRule) =>
  Object.entries(rule).every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v);

const SEVERITY_BY_LABEL: Readonly<Record<string, Severity>> = { critical: 'SEV1', page: 'SEV1', high: 'SEV2', error: 'SEV2', warning: 'SEV3', info: 'SEV4' };

export function severityOf(labels: Readonly<Record<string, string>>): Severity {
  const v = Object.hasOwn(labels, 'severity') ? labels.severity!.toLowerCase() : '';
  return Object.hasOwn(SEVERITY_BY_LABEL, v) ? SEVERITY_BY_LABEL[v]! : 'SEV2';
}

function declareOp(first: ParsedAlert, now: number): Op {
  const r = first.record;
  const incidentId = derivedId('alert-', r.fingerprint, r.startsAt);
  const title = `${r.name}${r.summary ? `: ${r.summary}` : ''}`;
  const service = first.labels.service ?? first.labels.job;
  return {
    opId: derivedUuid('incident.create', incidentId), incidentId, actorId: SERVER_ACTOR_ID, clientTime: now, type: 'incident.create',
    payload: {
      title: title.length > MAX_TITLE_CHARS ? `${title.slice(0, MAX_TITLE_CHARS - 1)}…` : title,
      severity: severityOf(first.labels), summary: r.description || r.summary,
      startedAt: Math.min(r.startsAt, now), detectedAt: Math.min(r.startsAt, now),
      ...(service ? { services: [service.slice(0, 100)] } : {}),
    },
  };
}

/**
 * Groups a notification's alerts by incident. `exists` says whether an incident is on the server;
 * an alert naming a missing incident, with no rule to declare it, is left unrouted.
 */
export function routeAlerts(
  alerts: readonly ParsedAlert[], opts: { scope: string | null; rules: readonly DeclareRule[]; exists: (id: string) => boolean; now: number },
): { routes: Route[]; unrouted: number } {
  const byIncident = new Map<string, Route>();
  const add = (incidentId: string, a: ParsedAlert, declare: Op | null = null) => {
    let r = byIncident.get(incidentId);
    if (!r) byIncident.set(incidentId, (r = { incidentId, declare, alerts: [] }));
    r.alerts.push(a);
  };
  const rest: ParsedAlert[] = [];
  for (const a of alerts) {
    const named = Object.hasOwn(a.labels, ROUTING_LABEL) ? a.labels[ROUTING_LABEL]! : null;
    if (opts.scope !== null) add(opts.scope, a);
    else if (named !== null && opts.exists(named)) add(named, a);
    else rest.push(a);
  }
  let unrouted = 0;
  // The group declares once, from its earliest alert that matches a rule: stable across repeats.
  const declaring = rest.filter((a) => opts.rules.some((rule) => matches(a.labels, rule)))
    .sort((x, y) => x.record.startsAt - y.record.startsAt || x.record.fingerprint.localeCompare(y.record.fingerprint));
  if (declaring.length > 0) {
    const op = declareOp(declaring[0]!, opts.now);
    for (const a of rest) add(op.incidentId, a, op);
  } else unrouted = rest.length;
  return { routes: [...byIncident.values()], unrouted };
}

export function alertOp(incidentId: string, a: ParsedAlert, now: number): Op {
  const r = a.record;
  const key = [incidentId, r.fingerprint, r.status, r.startsAt] as const;
  return {
    opId: derivedUuid('alert.record', ...key), incidentId, actorId: SERVER_ACTOR_ID, clientTime: now, type: 'alert.record',
    payload: { ...r, entryId: derivedId('alert-', ...key) },
  };
}

/** Parses `severity=critical,team=db` into a rule. */
export function parseDeclareRule(text: string): DeclareRule {
  const rule: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`"${part}" is not label=value (e.g. severity=critical)`);
    rule[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return rule;
}

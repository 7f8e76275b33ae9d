import { useState } from 'react';
import type { IncidentState, OverviewLink, TimelineEntry } from '../../../shared/model.ts';
import { MAX_LIST_ITEMS, MAX_TEXT_CHARS } from '../../../shared/constants.ts';
import type { PayloadOf } from '../../../shared/ops.ts';
import { clockLabel, displayZone, fullLabel, useTimeFormat } from '../../hooks/timeFormat.ts';
import { KeyTimes } from './KeyTimes.tsx';

export type OverviewFields = Pick<IncidentState, 'summary' | 'impact' | 'customerImpact' | 'services' | 'links'>;
type TextKey = 'summary' | 'impact' | 'customerImpact';

interface Props {
  overview: OverviewFields;
  times: Pick<IncidentState, 'startedAt' | 'detectedAt' | 'declaredAt' | 'acknowledgedAt' | 'mitigatedAt' | 'impactEndedAt' | 'resolvedAt'>;
  /** The timeline, for "last changed by … at …" (the history itself is the overview rows there). */
  timeline: readonly TimelineEntry[];
  nameOf: (id: string) => string;
  canEdit: boolean;
  onSave: (patch: PayloadOf<'incident.update'>) => boolean;
  onTimes: (patch: PayloadOf<'incident.times'>) => boolean;
  onShowHistory: () => void;
}

const TEXT_FIELDS: [TextKey, string, string][] = [
  ['summary', 'Summary', 'What is happening, in a sentence or two'],
  ['impact', 'Impact', 'What is broken or degraded, for whom'],
  ['customerImpact', 'Customer impact', 'What customers see; what support should say'],
];

function lastChange(timeline: readonly TimelineEntry[], key: string): TimelineEntry | null {
  for (let i = timeline.length - 1; i >= 0; i--) {
    const e = timeline[i]!;
    if (e.ref === `overview:${key}`) return e;
  }
  return null;
}

const parseServices = (text: string) => [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))].slice(0, MAX_LIST_ITEMS);

function validUrl(u: string): boolean {
  try {
    const p = new URL(u).protocol;
    return p === 'https:' || p === 'http:';
  } catch {
    return false;
  }
}

/** The incident's current state at a glance: summary, impact, services, links, key times; editable, with history. */
export function OverviewPanel({ overview, times, timeline, nameOf, canEdit, onSave, onTimes, onShowHistory }: Props) {
  const fmt = useTimeFormat();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(overview);
  const [servicesText, setServicesText] = useState(overview.services.join(', '));
  const startEdit = () => {
    setDraft(overview);
    setServicesText(overview.services.join(', '));
    setEditing(true);
  };
  const links = draft.links;
  const setLink = (i: number, patch: Partial<OverviewLink>) => setDraft((d) => ({ ...d, links: d.links.map((l, j) => (j === i ? { ...l, ...patch } : l)) }));
  const badLink = links.find((l) => l.url.trim() !== '' && !validUrl(l.url.trim()));
  const save = () => {
    if (badLink) return;
    const next: OverviewFields = {
      ...draft,
      services: parseServices(servicesText),
      links: draft.links.map((l) => ({ label: l.label.trim(), url: l.url.trim() })).filter((l) => l.url !== ''),
    };
    const patch: PayloadOf<'incident.update'> = {};
    for (const [key] of TEXT_FIELDS) if (next[key] !== overview[key]) patch[key] = next[key];
    if (JSON.stringify(next.services) !== JSON.stringify(overview.services)) patch.services = next.services;
    if (JSON.stringify(next.links) !== JSON.stringify(overview.links)) patch.links = next.links;
    if (Object.keys(patch).length === 0 || onSave(patch)) setEditing(false);
  };
  const changed = (key: string) => {
    const e = lastChange(timeline, key);
    return e ? <span className="faint changed" title={fullLabel(e.occurredAt, fmt)}>changed by {nameOf(e.authorId)} at {clockLabel(e.occurredAt, fmt)}</span> : null;
  };

  return (
    <section className="overview" aria-labelledby="overview-heading" data-testid="overview">
      <div className="panel-head">
        <h2 id="overview-heading">Overview</h2>
        <button className="link" onClick={onShowHistory} data-testid="overview-history">History in the timeline</button>
        {canEdit && !editing && <button onClick={startEdit} data-testid="overview-edit">Edit overview</button>}
      </div>
      {editing ? (
        <form className="form" onSubmit={(e) => { e.preventDefault(); save(); }} onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); setEditing(false); } }}>
          {TEXT_FIELDS.map(([key, label, hint]) => (
            <label key={key}>
              {label}
              <textarea rows={key === 'summary' ? 3 : 2} maxLength={MAX_TEXT_CHARS} placeholder={hint} data-testid={`overview-${key}`}
                autoFocus={key === 'summary'} value={draft[key]} onChange={(e) => setDraft((d) => ({ ...d, [key]: e.target.value }))}
                onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); save(); } }} />
            </label>
          ))}
          <label>
            Affected services <span className="faint">(comma separated)</span>
            <input data-testid="overview-services" value={servicesText} onChange={(e) => setServicesText(e.target.value)} placeholder="checkout-api, payments" />
          </label>
          <fieldset className="links-edit">
            <legend>Links: dashboards, runbooks, tickets</legend>
            {links.map((l, i) => (
              <div className="row" key={i}>
                <input aria-label={`Link ${i + 1} label`} placeholder="Label" value={l.label} onChange={(e) => setLink(i, { label: e.target.value })} className="link-label" />
                <input aria-label={`Link ${i + 1} address`} placeholder="https://…" value={l.url} onChange={(e) => setLink(i, { url: e.target.value })} className="grow" data-testid={`overview-link-url-${i}`} />
                <button type="button" aria-label={`Remove link ${i + 1}`} onClick={() => setDraft((d) => ({ ...d, links: d.links.filter((_, j) => j !== i) }))}>×</button>
              </div>
            ))}
            {links.length < MAX_LIST_ITEMS && (
              <button type="button" onClick={() => setDraft((d) => ({ ...d, links: [...d.links, { label: '', url: '' }] }))} data-testid="overview-add-link">Add a link</button>
            )}
            {badLink && <p className="error-text" role="alert">“{badLink.url}” is not a web address: start it with https://.</p>}
          </fieldset>
          <div className="actions">
            <button type="button" onClick={() => setEditing(false)}>Cancel</button>
            <button type="submit" className="primary" disabled={badLink !== undefined} data-testid="overview-save">Save overview</button>
          </div>
        </form>
      ) : (
        <dl className="overview-fields">
          {TEXT_FIELDS.map(([key, label]) => (
            <div key={key}>
              <dt>{label} {changed(key)}</dt>
              <dd data-testid={`overview-${key}-text`}>{overview[key] || <span className="faint">Not written yet</span>}</dd>
            </div>
          ))}
          <div>
            <dt>Affected services {changed('services')}</dt>
            <dd data-testid="overview-services-text">
              {overview.services.length ? overview.services.map((s) => <span key={s} className="chip">{s}</span>) : <span className="faint">None named</span>}
            </dd>
          </div>
          <div>
            <dt>Links {changed('links')}</dt>
            <dd>
              {overview.links.length ? (
                <ul className="link-list">
                  {overview.links.map((l, i) => <li key={i}><a href={l.url} target="_blank" rel="noreferrer noopener">{l.label || l.url}</a></li>)}
                </ul>
              ) : <span className="faint">No dashboards, runbooks or tickets linked</span>}
            </dd>
          </div>
        </dl>
      )}
      <KeyTimes times={times} canEdit={canEdit} zone={displayZone(fmt)} onTimes={onTimes} />
    </section>
  );
}

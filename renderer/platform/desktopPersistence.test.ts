import { describe, expect, it } from 'vitest';
import { MemoryPersistence } from '../persistence/memoryPersistence.ts';
import { persistenceFor } from './desktopPersistence.ts';

describe('preferences at rest on the desktop', () => {
  it('the desktop writes preferences without the token (the shell keeps it sealed); a browser keeps it', () => {
    const prefs = { serverUrl: 'https://wr.example.com', token: 'sess_abcdefghijkl', name: 'Ana' };
    const desk = new MemoryPersistence();
    persistenceFor({ kind: 'electron' }, desk).savePreferences(prefs);
    expect(desk.loadPreferences()).toEqual({ ...prefs, token: null });
    expect(prefs.token).toBe('sess_abcdefghijkl');
    const web = new MemoryPersistence();
    persistenceFor({ kind: 'browser' }, web).savePreferences(prefs);
    expect(web.loadPreferences()).toEqual(prefs);
  });

  it('passes everything else through, unchanged', async () => {
    const inner = new MemoryPersistence();
    const calls: string[] = [];
    for (const m of ['loadIncident', 'saveIncident', 'deleteIncident', 'listIncidents', 'loadPreferences'] as const) {
      const real = inner[m].bind(inner) as (...a: unknown[]) => unknown;
      (inner as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => (calls.push(`${m}(${a.map((x) => JSON.stringify(x)).join(',')})`), real(...a));
    }
    const p = persistenceFor({ kind: 'electron' }, inner);
    const record = { state: null, headSeq: 3, outbox: [] };
    await p.saveIncident('https://wr.example.com', 'INC-1', record);
    await p.loadIncident('https://wr.example.com', 'INC-1');
    await p.listIncidents('https://wr.example.com');
    await p.deleteIncident('https://wr.example.com', 'INC-1');
    p.loadPreferences();
    expect(calls).toEqual([
      `saveIncident("https://wr.example.com","INC-1",${JSON.stringify(record)})`, 'loadIncident("https://wr.example.com","INC-1")',
      'listIncidents("https://wr.example.com")', 'deleteIncident("https://wr.example.com","INC-1")', 'loadPreferences()',
    ]);
  });
});

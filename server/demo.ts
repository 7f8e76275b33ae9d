/** `serve --demo`: seeds the Black Friday incident from test/fixtures so a fresh server has something to show. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenario } from '../shared/scenario.ts';
import type { Store } from './store/store.ts';

export const DEMO_FIXTURE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'test', 'fixtures', 'black-friday-corruption.json');

/** Appends the fixture's ops unless the incident already exists; returns how many were added. */
export async function seedDemo(store: Store, file = DEMO_FIXTURE): Promise<{ incidentId: string; added: number }> {
  const { incidentId, ops } = loadScenario(JSON.parse(readFileSync(file, 'utf8')));
  if ((await store.headSeq(incidentId)) > 0) return { incidentId, added: 0 };
  await store.append(ops);
  return { incidentId, added: ops.length };
}

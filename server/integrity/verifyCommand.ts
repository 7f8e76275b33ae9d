/**
 * `warroom verify` (alias `warroom doctor`): checks the store read-only, as a server does on start,
 * and prints a per-incident report. Exit 0 when everything is proven, 1 when something is wrong
 * (quarantined, missing, damaged or unreadable), 2 for bad usage. Safe while a server is running.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dbFileOf, INIT_MARKER } from '../dataDir.ts';
import { formatReport, isHealthy, type VerifyReport } from './report.ts';

export interface VerifyTarget { dataDir: string; databaseUrl: string | null; schema?: string }

export async function runVerify(t: VerifyTarget, out: (line: string) => void): Promise<number> {
  let report: VerifyReport;
  try {
    if (t.databaseUrl) {
      const { checkPostgres } = await import('../store/postgres.ts');
      report = await checkPostgres(t.databaseUrl, t.schema ?? 'public');
    } else {
      const file = dbFileOf(t.dataDir);
      if (!existsSync(file)) {
        const lost = existsSync(join(t.dataDir, INIT_MARKER));
        out(lost
          ? `War Room store check: ${file} is MISSING, but ${t.dataDir} held a database. Restore a backup (warroom restore <file>).`
          : `War Room store check: there is no database at ${file} (nothing to verify).`);
        return lost ? 1 : 0;
      }
      const { checkSqliteFile } = await import('../store/sqlite.ts');
      report = await checkSqliteFile(file);
    }
  } catch (e) {
    out(`War Room store check FAILED: ${(e as Error).message}`);
    return 1;
  }
  out(formatReport(report));
  return isHealthy(report) ? 0 : 1;
}

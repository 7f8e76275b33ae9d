/** What a starting server says about its store check: log lines and /metrics. */
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';
import type { OpenReport } from '../store/store.ts';

export function reportOpenCheck(opened: OpenReport, metrics: Metrics, logger: Logger): void {
  for (const q of opened.quarantined) logger.warn({ quarantined: q }, 'stored record failed validation and was quarantined');
  for (const w of opened.warnings ?? []) logger.warn({ finding: w }, 'store check');
  const missing = opened.missingOps ?? 0;
  metrics.missingOps.set(missing);
  if (opened.quarantined.length > 0) metrics.integrityFailures.inc({ when: 'open' }, opened.quarantined.length);
  if (missing > 0 || opened.quarantined.length > 0) {
    logger.error({ quarantined: opened.quarantined.length, missingOps: missing },
      'the store check found damaged or missing records; they are not served. Run `warroom verify` for a report, and restore a backup to recover them');
  }
}

import type { Severity } from '../../../shared/model.ts';

export function SeverityBadge({ severity }: { severity: Severity }) {
  return <span className={`sev sev-${severity}`} data-testid="severity">{severity}</span>;
}

import type { SubmitResult } from '../../store/index.ts';
import { pushToast } from '../../hooks/toasts.ts';

/** Shows a refused change with its sentence; returns whether it was accepted. */
export function report(r: SubmitResult): boolean {
  if (!r.ok) pushToast({ text: r.message, tone: 'error' });
  return r.ok;
}

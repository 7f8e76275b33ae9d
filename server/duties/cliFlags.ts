/** The CLI's duty flags (escalation, alerts in, webhooks out) turned into server config. */
import { parseDeclareRule, type DeclareRule } from '../hooks/route.ts';
import { parseWebhookSpec, type WebhookTarget } from '../webhooks/dispatcher.ts';
import { webhookSecret } from '../webhooks/sign.ts';

export const DUTY_USAGE = `    --escalate-after-min N  Help widens after N min (skill), 2N (everyone); decimals ok [WARROOM_ESCALATE_AFTER_MIN, default 5]
    --declare-from-alerts L=V[,L=V]  An unrouted alert matching all pairs declares an incident (repeatable) [WARROOM_DECLARE_FROM_ALERTS, ';'-separated]
    --webhook [slack:]URL  Send signed events to URL; slack: sends { "text" } (repeatable) [WARROOM_WEBHOOKS, space-separated]`;

export const DUTY_COMMAND_USAGE = `  webhook secret <[slack:]URL>  Print the HMAC secret deliveries to URL are signed with   [--data-dir]`;

export const dutyOptions = (env: NodeJS.ProcessEnv) => ({
  'escalate-after-min': { type: 'string', default: env.WARROOM_ESCALATE_AFTER_MIN },
  'declare-from-alerts': { type: 'string', multiple: true, default: (env.WARROOM_DECLARE_FROM_ALERTS ?? '').split(';').map((s) => s.trim()).filter(Boolean) },
  webhook: { type: 'string', multiple: true, default: (env.WARROOM_WEBHOOKS ?? '').split(/\s+/).filter(Boolean) },
}) as const;

export interface DutyFlagValues {
  'escalate-after-min'?: string | undefined;
  'declare-from-alerts'?: string[] | undefined;
  webhook?: string[] | undefined;
}

/** Throws an Error with a sentence for a bad value; the CLI prints it with the usage. */
export function dutyConfigFromFlags(values: DutyFlagValues): { escalateAfterMin?: number; declareFromAlerts: DeclareRule[]; webhooks: WebhookTarget[] } {
  const raw = values['escalate-after-min'];
  let escalateAfterMin: number | undefined;
  if (raw !== undefined && raw !== '') {
    escalateAfterMin = Number(raw);
    if (!Number.isFinite(escalateAfterMin) || escalateAfterMin <= 0) throw new Error(`--escalate-after-min must be a number of minutes above 0, e.g. 5 or 0.5 (got "${raw}").`);
  }
  const declareFromAlerts = (values['declare-from-alerts'] ?? []).map((r) => {
    try {
      return parseDeclareRule(r);
    } catch (e) {
      throw new Error(`--declare-from-alerts: ${(e as Error).message}`, { cause: e });
    }
  });
  const webhooks = (values.webhook ?? []).map(parseWebhookSpec);
  return { ...(escalateAfterMin !== undefined ? { escalateAfterMin } : {}), declareFromAlerts, webhooks };
}

export function printWebhookSecret(serverSecret: string, spec: string | undefined): string {
  if (!spec) throw new Error('webhook secret takes the webhook as given to --webhook: warroom webhook secret https://…');
  return `${webhookSecret(serverSecret, parseWebhookSpec(spec).url)}\n`;
}

/** Stable, machine-readable error codes with the sentence a person sees. */
export const ERROR_MESSAGES = {
  AUTH_MISSING: 'No invite token was given. Open the invite link you were sent, or ask the incident lead for one.',
  AUTH_INVALID: 'This invite token is not valid for this server. Ask the incident lead for a new invite link.',
  // Identity and tokens (issue 9): each refusal of a token or an identity has its own code.
  TOKEN_EXPIRED: 'This invite or session has expired. Ask the incident lead for a new invite link.',
  TOKEN_REVOKED: 'This invite or session was revoked by the incident lead. Ask them for a new invite link if you still need access.',
  CLIENT_ID_TAKEN: 'This member id already belongs to someone else on this server, so an invite cannot claim it. If it is yours, reconnect from the app where you first joined, or ask the lead for a personal link (warroom token create --member ID).',
  PROTOCOL_UNSUPPORTED: 'This War Room app speaks a different protocol version than the server. Update the app to match the server.',
  FORBIDDEN_ROLE: 'Your invite lets you read this incident but not change it. Ask the incident lead for a responder invite.',
  FORBIDDEN_INCIDENT: 'Your invite is for a different incident. Ask the incident lead for an invite to this one.',
  PAYLOAD_TOO_LARGE: 'That change is too large to send. Shorten the text and try again.',
  RATE_LIMITED: 'You are sending changes faster than the server accepts. Wait a moment; nothing you typed is lost.',
  SLOW_CONSUMER: 'This connection was closed because it stopped receiving updates (too much was waiting to be sent). It reconnected and caught up; nothing you typed is lost.',
  INVALID_OP: 'The server refused a malformed change.',
  UNKNOWN_OP_TYPE: 'The server does not know this kind of change. The app and the server may be different versions.',
  ACTOR_MISMATCH: 'A change was signed with another member\u2019s id. Reconnect and try again.',
  INCIDENT_NOT_FOUND: 'That incident does not exist on this server.',
  INCIDENT_EXISTS: 'An incident with this id already exists.',
  NOT_JOINED: 'Join the incident before sending changes to it.',
  ENTRY_NOT_FOUND: 'That timeline entry does not exist.',
  ENTRY_DELETED: 'That timeline entry was deleted. Restore it first.',
  TASK_NOT_FOUND: 'That task does not exist.',
  TASK_DELETED: 'That task was deleted. Restore it first.',
  HELP_NOT_FOUND: 'That help request does not exist.',
  HELP_CLOSED: 'That help request is already resolved or cancelled.',
  SERVER_ONLY: 'Only the War Room server writes this kind of change (escalations, reminders, alerts). The app does not send it.',
  LEAD_ONLY: 'Only an incident lead can do this. Ask a lead, or for a lead invite.',
  INTEGRATION_ONLY: 'This token is for monitoring webhooks (role integration) and cannot open the app or change incidents by hand. Ask the incident lead for an invite.',
  HOOK_UNAUTHORIZED: 'The webhook needs a bearer token of role integration (warroom token create --role integration).',
  HOOK_INVALID: 'The monitoring webhook payload is not an Alertmanager (version 4) or Grafana alerting payload. Nothing was stored.',
  HOOK_TOO_LARGE: 'The monitoring webhook payload is too large. Nothing was stored; lower max_alerts in the receiver config.',
  ACTION_NOT_FOUND: 'That postmortem action item does not exist.',
  MEMBER_NOT_FOUND: 'That member has not joined this incident.',
  ALREADY_EXISTS: 'Something with this id already exists.',
  INVALID_STATE: 'That change does not apply to the incident as it is now.',
  IMPORT_INVALID: 'This file is not a War Room export, or it is damaged.',
  IMPORT_CHECKSUM: 'This export file was changed after it was written (its checksum does not match). It was not opened.',
  INCIDENT_HELD_BACK: 'This incident\u2019s stored history failed its integrity check, so the server holds it back instead of showing altered data. An operator can restore it from a backup (`warroom verify` lists what failed).',
  IMPORT_HEAD_MISMATCH: 'This export file is incomplete: it says it holds more (or fewer) changes than its log does, so changes were removed or added after it was written. It was not opened; export it again from War Room.',
  SNAPSHOT_GONE: 'The server no longer holds the incident snapshot this page belongs to. Join the incident again to get a fresh one.',
  SERVER_UNREACHABLE: 'The server cannot be reached. Keep working: your changes are kept and sent when it is back.',
  TIMEOUT: 'The server did not answer in time. Your change is kept and will be sent again.',
  INTERNAL: 'The server failed to handle this change. It was not saved; try again.',
  STORE_UNAVAILABLE: 'The server cannot reach its database right now. Your change is kept and will be sent again when it is back.',
  SHUTTING_DOWN: 'This server is restarting. Your change is kept and will be sent again once you are reconnected.',
  OVERLOADED: 'The server is too busy to take this change right now. Your change is kept and will be sent again shortly.',
  SEQ_CONFLICT: 'Other servers kept writing to this incident at the same moment. Your change is kept and will be sent again.',
  SHELL_BAD_REQUEST: 'The desktop app refused a malformed request from its window. Reload the window (Ctrl+R) and try again.',
  SHELL_FOREIGN_SENDER: 'The desktop app refused a request from a page that is not War Room.',
  // Desktop shell (issue 12).
  SHELL_SETTINGS_RESET: 'The desktop app\u2019s settings file was damaged, so it started from the defaults. Join your server again; the damaged file was kept beside the new one.',
  SHELL_WINDOW_RELOADED: 'The War Room window stopped responding or crashed and was reloaded. Your unsent changes are kept and sent once you are connected.',
  SHELL_NOT_DESKTOP: 'Running a war room on this computer needs the War Room desktop app. In a browser, join a server with an invite link.',
  LOCAL_SERVER_FAILED: 'The war room on this computer could not start. Restart the app; if it keeps failing, join a server instead.',
  LOCAL_SERVER_STOPPED: 'The war room on this computer stopped unexpectedly. Your changes are kept; restart the app to start it again.',
  SHELL_SECRETS_PLAIN: 'This computer offers no encrypted storage to the app, so your server tokens are kept in a file only your account can read.',
  SHELL_UPDATE_READY: 'A new version of War Room was downloaded. It is installed when you quit the app.',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

/**
 * Every code's class, used by the server, the sync engine and PROTOCOL.md alike. Transient: not now
 * (the op stays queued and is retried, the person's work is kept). Permanent: no (the op leaves the
 * queue, what the person wrote stays recoverable).
 */
export type ErrorClass = 'transient' | 'permanent';
export const ERROR_CLASSES: Record<ErrorCode, ErrorClass> = {
  AUTH_MISSING: 'permanent',
  AUTH_INVALID: 'permanent',
  TOKEN_EXPIRED: 'permanent',
  TOKEN_REVOKED: 'permanent',
  CLIENT_ID_TAKEN: 'permanent',
  PROTOCOL_UNSUPPORTED: 'permanent',
  FORBIDDEN_ROLE: 'permanent',
  FORBIDDEN_INCIDENT: 'permanent',
  PAYLOAD_TOO_LARGE: 'permanent',
  RATE_LIMITED: 'transient',
  SLOW_CONSUMER: 'transient',
  INVALID_OP: 'permanent',
  UNKNOWN_OP_TYPE: 'permanent',
  ACTOR_MISMATCH: 'permanent',
  INCIDENT_NOT_FOUND: 'permanent',
  INCIDENT_EXISTS: 'permanent',
  NOT_JOINED: 'transient',
  ENTRY_NOT_FOUND: 'permanent',
  ENTRY_DELETED: 'permanent',
  TASK_NOT_FOUND: 'permanent',
  TASK_DELETED: 'permanent',
  HELP_NOT_FOUND: 'permanent',
  HELP_CLOSED: 'permanent',
  SERVER_ONLY: 'permanent',
  LEAD_ONLY: 'permanent',
  INTEGRATION_ONLY: 'permanent',
  HOOK_UNAUTHORIZED: 'permanent',
  HOOK_INVALID: 'permanent',
  HOOK_TOO_LARGE: 'permanent',
  ACTION_NOT_FOUND: 'permanent',
  MEMBER_NOT_FOUND: 'permanent',
  ALREADY_EXISTS: 'permanent',
  INVALID_STATE: 'permanent',
  IMPORT_INVALID: 'permanent',
  IMPORT_CHECKSUM: 'permanent',
  INCIDENT_HELD_BACK: 'permanent',
  IMPORT_HEAD_MISMATCH: 'permanent',
  SNAPSHOT_GONE: 'transient',
  SERVER_UNREACHABLE: 'transient',
  TIMEOUT: 'transient',
  INTERNAL: 'transient',
  STORE_UNAVAILABLE: 'transient',
  SHUTTING_DOWN: 'transient',
  OVERLOADED: 'transient',
  SEQ_CONFLICT: 'transient',
  SHELL_BAD_REQUEST: 'permanent',
  SHELL_FOREIGN_SENDER: 'permanent',
  SHELL_SETTINGS_RESET: 'permanent',
  SHELL_WINDOW_RELOADED: 'transient',
  SHELL_NOT_DESKTOP: 'permanent',
  LOCAL_SERVER_FAILED: 'transient',
  LOCAL_SERVER_STOPPED: 'transient',
  SHELL_SECRETS_PLAIN: 'permanent',
  SHELL_UPDATE_READY: 'transient',
};

export const isTransient = (code: ErrorCode): boolean => ERROR_CLASSES[code] === 'transient';

export interface Refusal {
  ok: false;
  code: ErrorCode;
  message: string;
  /** Transient refusals may say when to try again (ms): OVERLOADED and RATE_LIMITED do. */
  retryAfterMs?: number;
}

export function refuse(code: ErrorCode, detail?: string): Refusal {
  const base = ERROR_MESSAGES[code];
  return { ok: false, code, message: detail ? `${base} (${detail})` : base };
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}

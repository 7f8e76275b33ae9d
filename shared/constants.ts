/** Every limit and timeout in one place; the unit is in the name. */
export const PROTOCOL_VERSION = 1;
/** Schema version of stored state snapshots; a snapshot of another version is rebuilt from ops. */
export const STATE_VERSION = 2;

export const MAX_TITLE_CHARS = 200;
export const MAX_TEXT_CHARS = 10_000;
export const MAX_SHORT_TEXT_CHARS = 500;
export const MAX_NAME_CHARS = 100;
export const MAX_ID_CHARS = 64;
export const MAX_SKILLS = 30;
export const MAX_SKILL_CHARS = 40;
export const MAX_LIST_ITEMS = 50;
export const MAX_TARGET_MEMBERS = 100;
export const MAX_ENTRY_HISTORY = 100;
/** Largest single socket.io message the server accepts. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export const ACK_TIMEOUT_MS = 10_000;
export const SNAPSHOT_EVERY_OPS = 500;
/** How far behind a joining client may be before it gets a snapshot instead of every op. */
export const JOIN_MAX_OPS_WITHOUT_SNAPSHOT = 1_000;
/** Most committed ops one `incident:ops` answer carries (a larger `limit` is served this many). */
export const OPS_PAGE_MAX = 1_000;
/** A client reading the whole log gives up after this many pages (10 million ops at the page maximum). */
export const OPS_FETCH_MAX_PAGES = 10_000;
/** A page refused as RATE_LIMITED is asked again after this pause (ms), a few times at most. */
export const OPS_FETCH_RETRY_MS = 1_000;
export const RATE_LIMIT_OPS_PER_SEC = 50;
export const RATE_LIMIT_BURST = 200;

/** Default minutes between stakeholder updates, by severity. */
export const DEFAULT_CADENCE_MIN = { SEV1: 15, SEV2: 30, SEV3: 60, SEV4: 120 } as const;
/** Minutes an unacknowledged help request waits before it widens to everyone with the skill, then everyone. */
export const HELP_ESCALATE_AFTER_MIN = 5;

/** Largest file the desktop shell saves for an export (bytes); the JSON op log of a long incident fits. */
export const MAX_SAVE_FILE_BYTES = 64 * 1024 * 1024;
/** Largest HTML the desktop shell renders to PDF (characters). */
export const MAX_PDF_HTML_CHARS = 16 * 1024 * 1024;
/** How long the shell waits for the hidden window to render HTML before printing it (ms). */
export const PDF_RENDER_TIMEOUT_MS = 30_000;
/** Largest JSON export the importer reads, in characters (a 10k-entry incident is a few MB). */
export const MAX_IMPORT_CHARS = 200_000_000;

// Client sync timings (the renderer's sync engine and store use them).
/** After an ack whose op has not arrived on the socket yet, wait this long before catching up. */
export const CATCH_UP_AFTER_ACK_MS = 1_000;
/** First wait before resending after a transient refusal (doubles per attempt, see the Delivery block). */
export const SUBMIT_RETRY_DELAY_MS = 1_500;
/** Remote changes are written to the local copy at most this often. */
export const SAVE_DEBOUNCE_MS = 1_000;
/** How often help escalation and due-update reminders are checked. */
export const CLIENT_TICK_MS = 15_000;
/** How often "last seen" is advanced while an incident is open. */
export const MARK_SEEN_DEBOUNCE_MS = 2_000;

/**
 * The renderer's stored copy of the committed state is a cache (a join with sinceSeq refreshes it),
 * so it is rewritten at most this often (ms) while remote changes arrive…
 */
export const STATE_SAVE_MIN_INTERVAL_MS = 10_000;
/** …or sooner once this many committed ops are not yet on disk. */
export const STATE_SAVE_EVERY_OPS = 200;
/** No state rewrite for this long after a join answer (ms): the first render should not pay for it. */
export const STATE_SAVE_AFTER_JOIN_MS = 5_000;

/**
 * Presence ('presence:state' to a room) and the lobby's online counts go out at most this often per
 * incident (ms): a join storm of N clients then costs O(N) messages, not O(N²). A joining socket gets
 * the current presence at once, for itself only.
 */
export const PRESENCE_BROADCAST_MS = 500;

// Cluster: dependencies, drain, admission control and memory bounds (docs/PROTOCOL.md §14).
/** A join answer carries at most this many bytes of ops (JSON); the rest is paged (incident:ops or another join). */
export const JOIN_MAX_OPS_BYTES = 1024 * 1024;
/**
 * A snapshot whose JSON is larger goes in pages of this many bytes when the joiner asks for pages
 * (JoinRequest.snapshotPages): no message of a join is larger than this plus its envelope.
 */
export const SNAPSHOT_PAGE_BYTES = 1024 * 1024;
/** How long a socket may take to fetch the pages of a snapshot it was offered (ms). */
export const SNAPSHOT_PAGE_TTL_MS = 60_000;
/** Join answers cost rate-limit tokens by size: one token per this many bytes (at most a full bucket). */
export const JOIN_BYTES_PER_TOKEN = 64 * 1024;
/** Serialized snapshots kept to share between joiners, in bytes over all incidents (least recently used go). */
export const SNAPSHOT_CACHE_MAX_BYTES = 128 * 1024 * 1024;
/** A socket with more unsent bytes than this that took nothing for SOCKET_STALL_MS is disconnected… */
export const SOCKET_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** …and one with more than this, reading or not (room for one large snapshot answer). */
export const SOCKET_HARD_MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** How long such a socket may take nothing before it is cut (ms). */
export const SOCKET_STALL_MS = 1_000;
/** How often every socket's unsent bytes are checked (ms). */
export const SOCKET_BUFFER_CHECK_MS = 500;
/** How long a node remembers why it dropped a client, to tell it on reconnect (ms). */
export const DROP_NOTICE_TTL_MS = 10 * 60_000;
/** Admission control: refuse new work while the event loop's p99 delay over the last windows passes this (ms)… */
export const ADMISSION_MAX_LAG_MS = 500;
/** …or this many requests are admitted and not yet answered on this node… */
export const ADMISSION_MAX_INFLIGHT = 5_000;
/** …or the JS heap is this full (fraction of its limit). */
export const ADMISSION_MAX_HEAP_RATIO = 0.85;
/** How often admission control samples the node (ms). */
export const ADMISSION_SAMPLE_MS = 500;
/** The retry hint an OVERLOADED refusal carries (ms); clients add their own jitter. */
export const OVERLOADED_RETRY_AFTER_MS = 2_000;
/** SIGTERM drain: the longest it waits for in-flight ops and unsent acks before closing anyway (ms). */
export const DRAIN_TIMEOUT_MS = 10_000;
/** A client told to reconnect elsewhere (server:draining) waits up to this long, at random, first (ms). */
export const DRAIN_RECONNECT_SPREAD_MS = 2_000;
/** Deadlocks and serialization failures are retried inside the store this many times. */
export const STORE_TX_RETRIES = 5;

// Delivery: transient refusals retried without end, quiet gaps noticed.
/** Longest wait between two resends of a change the server keeps refusing transiently (ms). */
export const SUBMIT_RETRY_MAX_DELAY_MS = 15_000;
/** Each resend delay is drawn from [delay × (1 − jitter), delay]: clients refused together do not return together. */
export const SUBMIT_RETRY_JITTER = 0.5;
/**
 * Every node tells the sockets it holds in an incident room the incident's head seq this often (ms),
 * read from the store (one query per incident per node per beat): a broadcast the fan-out dropped is
 * noticed within about this long even when nobody writes.
 */
export const HEAD_HEARTBEAT_MS = 2_000;
/**
 * A client told of a head above its own waits this long (ms) before catching up: the op may simply
 * be on its way on the same socket (heartbeat and broadcast race), and a busy room must not rejoin
 * on every beat.
 */
export const HEAD_CATCH_UP_GRACE_MS = 500;
/**
 * When a heartbeat says the store answers again, a client that was told STORE_UNAVAILABLE resends
 * after a random wait of at most this (ms) instead of sitting out its backoff (up to
 * SUBMIT_RETRY_MAX_DELAY_MS); the spread keeps a room from resending all in the same millisecond.
 */
export const STORE_BACK_RESEND_SPREAD_MS = 1_000;
/** After this many transient refusals in a row of one change, the tray offers to set it aside (the rest wait behind it). */
export const STUCK_AFTER_ATTEMPTS = 5;
/** Refused changes kept in the unsent tray at most (oldest drop off first; each one is shown until then). */
export const MAX_UNSENT_ITEMS = 200;

// Duties: timers the server runs (help escalation, update reminders), monitoring webhooks in, webhooks out.
/** How often each node looks for due duties (ms); a duty fires at most this late. */
export const DUTY_SCAN_MS = 2_000;
/** Largest Alertmanager / Grafana webhook body accepted (bytes). */
export const MAX_HOOK_BODY_BYTES = 1024 * 1024;
/** Most alerts one webhook call may carry. */
export const MAX_HOOK_ALERTS = 500;
/** Outbound webhook delivery: first retry after this (ms), doubling per attempt up to the cap. */
export const WEBHOOK_RETRY_BASE_MS = 1_000;
export const WEBHOOK_RETRY_MAX_MS = 10 * 60_000;
/** Attempts before a delivery is given up (marked dead, the next event goes); ~1 day of retries at the cap. */
export const WEBHOOK_MAX_ATTEMPTS = 150;
/** One HTTP attempt's timeout (ms). */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** A node holds a webhook's delivery lease this long (ms), renewed once a third has passed: what is left always outlasts one attempt (WEBHOOK_TIMEOUT_MS). */
export const WEBHOOK_LEASE_MS = 30_000;
/** How often an idle node polls the durable queue (ms); a local enqueue wakes it at once. */
export const WEBHOOK_POLL_MS = 1_000;
/**
 * A queued event waits this long (ms) before delivery, so an event another node committed just
 * before it (its insert still in flight) sorts first. Nodes' clocks must agree to well within it (NTP).
 */
export const WEBHOOK_SETTLE_MS = 500;
/** A receiver should refuse a signature whose timestamp is further than this from its clock (s). */
export const WEBHOOK_TOLERANCE_SEC = 300;
/**
 * Webhook reconcile (a crash between an op's commit and its enqueue loses no event): at start and
 * every WEBHOOK_RECONCILE_EVERY_MS each node re-derives the events of ops committed in the last
 * WEBHOOK_RECONCILE_WINDOW_MS (by serverTime) and enqueues them; the queue skips those it has.
 */
export const WEBHOOK_RECONCILE_WINDOW_MS = 15 * 60_000;
export const WEBHOOK_RECONCILE_EVERY_MS = 30_000;
/** Ops read per store query while reconciling, and the most ops of one incident one pass re-derives. */
export const WEBHOOK_RECONCILE_PAGE_OPS = 200;
export const WEBHOOK_RECONCILE_MAX_OPS = 5_000;

// Identity and tokens (issue 9).
/** Default lifetime of an invite (ms) when `--expires` / WARROOM_INVITE_EXPIRES is not given: 7 days. */
export const INVITE_DEFAULT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Lifetime of a personal session token redeemed from an invite (ms): 30 days. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** How often each node reads new revocations and expiries to end live sockets (ms); the promise is 5 s. */
export const REVOCATION_POLL_MS = 1_000;
/** Shortest WARROOM_SECRET accepted (characters). */
export const MIN_SECRET_CHARS = 32;

// ---------------------------------------------------------------- desktop shell (issue 12)
/** Notification text the shell shows (characters); longer requests are cut with an ellipsis, never dropped. */
export const NOTIFY_TITLE_MAX_CHARS = 120;
export const NOTIFY_BODY_MAX_CHARS = 400;
/** A notify request longer than this (characters, title + body) is malformed, not merely long. */
export const NOTIFY_REQUEST_MAX_CHARS = 64_000;
/** How long the shell waits for the war room on this computer to report it listens (ms). */
export const LOCAL_SERVER_START_TIMEOUT_MS = 30_000;
/** How long it waits for that server to finish its commits at quit before killing it (ms). */
export const LOCAL_SERVER_STOP_TIMEOUT_MS = 5_000;
/** Port the local war room tries first, so teammates' invite links survive a restart. */
export const LOCAL_SERVER_PREFERRED_PORT = 4000;
/** Servers the desktop remembers (with their tokens). */
export const MAX_SAVED_SERVERS = 20;
/** A window unresponsive this long is reloaded (ms). */
export const WINDOW_UNRESPONSIVE_RELOAD_MS = 10_000;
/** At most this many automatic reloads after a crash per window per AUTO_RELOAD_WINDOW_MS, so a page that crashes at once does not loop. */
export const MAX_AUTO_RELOADS = 3;
export const AUTO_RELOAD_WINDOW_MS = 5 * 60_000;

// --- Postmortem export (issue 14) ---
/** An entry logged more than this long after the time it says it happened is marked backdated in exports, in ms. */
export const EXPORT_BACKDATED_AFTER_MS = 15 * 60_000;

// UI: layout and list timings of the renderer (issue 13).
/** At this window width (px) and below the timeline becomes one of the tabs (the CSS breakpoint matches). */
export const NARROW_LAYOUT_MAX_PX = 1000;
/** At this width (px) and below the phone layout applies (read-only reading from a link). */
export const PHONE_LAYOUT_MAX_PX = 600;

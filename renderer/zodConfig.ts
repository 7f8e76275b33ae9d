/**
 * Imported first by the entry: zod's JIT probes `new Function` once, which the strict CSP refuses
 * (and logs as a console error on every load). The interpreter path is fast enough for our payloads.
 */
import { z } from 'zod';

z.config({ jitless: true });

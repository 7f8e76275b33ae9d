/**
 * How long N clients take to connect and join one incident, War Room vs the relay. War Room
 * sends the full presence list to the whole room on every join, so this grows faster than N².
 * Usage: node bench/tools/joinStorm.ts 100 250 500
 */
import { connectSwarms, KINDS, startServer, startSwarms, stopAll } from '../lib/world.ts';

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
for (const n of sizes.length ? sizes : [100, 250, 500]) {
  for (const kind of KINDS) {
    const server = await startServer(kind);
    const [writer] = await startSwarms(1, 1, 'writer');
    const receivers = await startSwarms(n, Math.min(4, Math.ceil(n / 250)), 'c');
    try {
      await connectSwarms([writer!], server, 'storm', true);
      const t0 = performance.now();
      await connectSwarms(receivers, server, 'storm');
      console.log(`${kind.padEnd(8)} ${String(n).padStart(5)} clients connected and joined in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (e) {
      console.log(`${kind} ${n}: ${(e as Error).message}`);
    } finally {
      await stopAll([...receivers.map((s) => s.child), writer!.child, server]);
    }
  }
}

/**
 * Delivers ShellCommands to the renderer only once it listens: a deep link or menu click that
 * arrives while the page is (re)loading waits instead of being lost.
 */
import type { ShellCommand } from '../shared/bridge.ts';

export interface CommandQueue {
  send(command: ShellCommand): void;
  /** The renderer subscribed (preload told us): deliver what waited. */
  ready(): void;
  /** The page started loading again: hold commands until it subscribes. */
  reset(): void;
  pending(): readonly ShellCommand[];
}

export function createCommandQueue(deliver: (command: ShellCommand) => void, max = 50): CommandQueue {
  let listening = false;
  let queue: ShellCommand[] = [];
  return {
    send(command) {
      if (listening) return deliver(command);
      queue.push(command);
      if (queue.length > max) queue = queue.slice(-max);
    },
    ready() {
      listening = true;
      const waiting = queue;
      queue = [];
      for (const c of waiting) deliver(c);
    },
    reset() {
      listening = false;
    },
    pending: () => queue,
  };
}

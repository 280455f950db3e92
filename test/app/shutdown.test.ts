import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ReviewQueue } from '../../src/app/queue.js';
import { drainQueueOnShutdown } from '../../src/app/shutdown.js';

function harness(timeoutMs: number) {
  const queue = new ReviewQueue(1);
  const signals = new EventEmitter();
  const exits: number[] = [];
  const messages: string[] = [];
  let exited!: () => void;
  const exitedPromise = new Promise<void>((resolve) => (exited = resolve));
  drainQueueOnShutdown(
    queue,
    {
      signals: signals as unknown as Pick<NodeJS.Process, 'on'>,
      exit: (code) => (exits.push(code), exited()),
      log: { info: (m) => messages.push(m), warn: (m) => messages.push(m) },
    },
    timeoutMs,
  );
  return { queue, signals, exits, messages, exitedPromise };
}

const job = { installationId: 1, owner: 'o', repo: 'r', pullNumber: 1, headSha: 'a' };
const onError = (error: unknown) => { throw error; };

describe('drainQueueOnShutdown', () => {
  it('waits for running and queued reviews on SIGTERM, then exits 0', async () => {
    const { queue, signals, exits, messages, exitedPromise } = harness(5_000);
    const finished: string[] = [];
    const slow = (sha: string) => async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      finished.push(sha);
    };
    queue.enqueue(job, slow('a'), { newHead: false, onError });
    queue.enqueue({ ...job, headSha: 'b' }, slow('b'), { newHead: false, onError });
    await new Promise((resolve) => setTimeout(resolve, 5));
    signals.emit('SIGTERM');
    await exitedPromise;
    expect(finished).toEqual(['a', 'b']);
    expect(exits).toEqual([0]);
    expect(messages[0]).toBe('SIGTERM: finishing 1 running and 1 queued review(s) before exiting');
  });

  it('gives up after the timeout', async () => {
    const { queue, signals, exits, messages, exitedPromise } = harness(30);
    queue.enqueue(job, () => new Promise(() => {}), { newHead: false, onError });
    signals.emit('SIGINT');
    await exitedPromise;
    expect(exits).toEqual([0]);
    expect(messages.at(-1)).toBe('SIGINT: reviews still running after 30 ms; exiting anyway');
  });
});

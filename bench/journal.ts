// What the embedded mode's job journal costs: each change is an fsynced write-temp-and-rename of a small file,
// and the webhook is answered once its job is on disk. Measured in the data directory's file system (the
// system's temporary directory here), with the journal holding as many other jobs as a busy App would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobJournal, type JournalEntry } from '../src/app/journal.js';

export interface JournalResults {
  /** One delivery's job made durable (put + flush), one after another, with 0…N others journaled. */
  enqueue: { count: number; others: number; p50Ms: number; p95Ms: number; maxMs: number };
  /** A burst of deliveries made durable at once (their writes coalesce). */
  burst: { count: number; totalMs: number };
  /** A job's whole life in the journal: queued, started (attempt + check run), done (removed + delivery kept). */
  lifecycle: { count: number; writes: number; p50Ms: number; p95Ms: number };
}

const entry = (i: number): JournalEntry => {
  const headSha = i.toString(16).padStart(40, '0');
  const job = { installationId: 1, owner: 'octo-org', repo: 'service', pullNumber: i, headSha };
  return { key: `octo-org/service#${i}@${headSha}`, job, newHead: true, deliveryId: `delivery-${i}`, attempts: 0, enqueuedAt: new Date().toISOString() };
};

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function measureJournal(quick: boolean): Promise<JournalResults> {
  const dir = mkdtempSync(join(tmpdir(), 'async-review-journal-bench-'));
  try {
    const journal = JobJournal.open(dir);
    const count = quick ? 100 : 300;
    const enqueue: number[] = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      journal.put(entry(i));
      await journal.flush();
      enqueue.push(performance.now() - started);
    }
    for (const e of journal.entries()) journal.remove(e.key);
    await journal.flush();
    enqueue.sort((a, b) => a - b);

    const burstStarted = performance.now();
    await Promise.all(Array.from({ length: 200 }, async (_, i) => {
      journal.put(entry(10_000 + i));
      await journal.flush();
    }));
    const burstMs = performance.now() - burstStarted;
    for (const e of journal.entries()) if (Number(e.job.pullNumber) >= 10_020) journal.remove(e.key);
    await journal.flush(); // 20 others stay journaled

    const lifecycle: number[] = [];
    for (let i = 0; i < count; i++) {
      const e = entry(20_000 + i);
      const started = performance.now();
      journal.put(e);
      await journal.flush();
      journal.update(e.key, { attempts: 1 });
      journal.update(e.key, { checkRunId: 1 });
      await journal.flush();
      journal.remove(e.key);
      journal.recordDelivered(e.deliveryId!);
      await journal.flush();
      lifecycle.push(performance.now() - started);
    }
    lifecycle.sort((a, b) => a - b);
    return {
      enqueue: { count, others: count - 1, p50Ms: quantile(enqueue, 0.5), p95Ms: quantile(enqueue, 0.95), maxMs: enqueue.at(-1)! },
      burst: { count: 200, totalMs: burstMs },
      lifecycle: { count, writes: 3, p50Ms: quantile(lifecycle, 0.5), p95Ms: quantile(lifecycle, 0.95) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JobJournal, JOURNAL_FILE, type JournalEntry } from '../../src/app/journal.js';
import { GaveUpError, jobKey, RetryableJobError, ReviewQueue, type ReviewJob, type RunContext } from '../../src/app/queue.js';

const job = (headSha: string, pullNumber = 1): ReviewJob => ({ installationId: 1, owner: 'o', repo: 'r', pullNumber, headSha });
const entry = (j: ReviewJob): JournalEntry => ({ key: jobKey(j), job: j, newHead: true, attempts: 0, enqueuedAt: new Date().toISOString() });
const freshDir = () => mkdtempSync(join(tmpdir(), 'journal-test-'));
const onError = (error: unknown) => {
  throw error;
};

describe('JobJournal', () => {
  it('keeps entries, their check runs and delivered ids across a reopen', async () => {
    const dir = freshDir();
    const journal = JobJournal.open(dir);
    journal.put(entry(job('a')));
    journal.put(entry(job('b', 2)));
    journal.update(jobKey(job('a')), { checkRunId: 42, attempts: 1 });
    journal.remove(jobKey(job('b', 2)));
    journal.recordDelivered('delivery-1');
    await journal.flush();
    const reopened = JobJournal.open(dir);
    expect(reopened.entries()).toEqual([expect.objectContaining({ key: jobKey(job('a')), checkRunId: 42, attempts: 1 })]);
    expect(reopened.hasDelivered('delivery-1')).toBe(true);
    expect(await reopened.check()).toBeNull();
  });

  it('moves an unreadable file aside and starts empty', () => {
    const dir = freshDir();
    writeFileSync(join(dir, JOURNAL_FILE), '{"version":1,"jobs":[{"key":');
    const errors: string[] = [];
    const journal = JobJournal.open(dir, { warn: () => {}, error: (_o, message) => errors.push(message) });
    expect(journal.entries()).toEqual([]);
    expect(errors).toHaveLength(1);
    expect(readdirSync(dir).some((name) => name.startsWith(`${JOURNAL_FILE}.unreadable-`))).toBe(true);
  });

  it('coalesces a burst of changes into few writes, and the file always parses', async () => {
    const dir = freshDir();
    const journal = JobJournal.open(dir);
    for (let i = 0; i < 200; i++) journal.put(entry(job(`sha-${i}`, i)));
    await journal.flush();
    const file = JSON.parse(readFileSync(join(dir, JOURNAL_FILE), 'utf8'));
    expect(file.jobs).toHaveLength(200);
  });
});

describe('ReviewQueue with a journal', () => {
  it('journals a queued job before it runs and forgets it once it ran', async () => {
    const journal = JobJournal.open(freshDir());
    const queue = new ReviewQueue(1, { journal });
    let seenWhileRunning: JournalEntry[] = [];
    queue.enqueue(job('a'), async () => {
      seenWhileRunning = journal.entries();
    }, { newHead: true, deliveryId: 'd-1', onError });
    await queue.persisted();
    await queue.onIdle();
    expect(seenWhileRunning).toEqual([expect.objectContaining({ key: jobKey(job('a')), attempts: 1 })]);
    expect(journal.entries()).toEqual([]);
    // GitHub's redelivery of that delivery, even to a new process, is coalesced.
    await journal.flush();
    const restarted = new ReviewQueue(1, { journal: JobJournal.open(journal.path.replace(`/${JOURNAL_FILE}`, '')) });
    expect(restarted.enqueue(job('a'), async () => {}, { newHead: true, deliveryId: 'd-1', onError })).toBe('coalesced');
  });

  it('resumes journaled jobs in a new process, with the check run the killed attempt opened', async () => {
    const dir = freshDir();
    const first = new ReviewQueue(2, { journal: JobJournal.open(dir) });
    const never = () => new Promise<never>(() => {});
    first.enqueue(job('a'), async (_job, context) => {
      context.recordCheckRun(7);
      return never();
    }, { newHead: true, onError });
    first.enqueue(job('b', 2), never, { newHead: true, onError });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await first.persisted();
    // "Killed": the first queue is abandoned with both jobs running.
    const second = new ReviewQueue(2, { journal: JobJournal.open(dir) });
    const runs: Array<{ sha: string; context: RunContext }> = [];
    const resumed = second.resume(async (j, context) => void runs.push({ sha: j.headSha, context }), onError);
    expect(resumed).toHaveLength(2);
    await second.onIdle();
    expect(runs.map((run) => [run.sha, run.context.attempt, run.context.checkRunId])).toEqual([
      ['a', 2, 7],
      ['b', 2, undefined],
    ]);
    expect(second.journal!.entries()).toEqual([]);
  });

  it('runs a job again after a retryable failure, up to maxAttempts, then drops it and reports', async () => {
    const journal = JobJournal.open(freshDir());
    const retried: number[] = [];
    const queue = new ReviewQueue(1, { journal, maxAttempts: 3, retryDelayMs: () => 5, onRetry: (_j, attempts) => retried.push(attempts) });
    const attempts: number[] = [];
    const errors: unknown[] = [];
    queue.enqueue(job('a'), async (_j, context) => {
      attempts.push(context.attempt);
      if (context.attempt === 1) context.recordCheckRun(99);
      throw new RetryableJobError('GitHub unavailable');
    }, { newHead: true, onError: (error) => errors.push(error) });
    const deadline = Date.now() + 2_000;
    while (errors.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(attempts).toEqual([1, 2, 3]);
    expect(retried).toEqual([1, 2]);
    expect(String(errors[0])).toContain('gave up after 3 attempts');
    // The error names the check run still open, for the App to complete it.
    expect(errors[0]).toBeInstanceOf(GaveUpError);
    expect((errors[0] as GaveUpError).checkRunId).toBe(99);
    expect(journal.entries()).toEqual([]);
  });

  it('close(): leaves queued jobs journaled, interrupts running ones after abortAfterMs', async () => {
    const journal = JobJournal.open(freshDir());
    const queue = new ReviewQueue(1, { journal });
    let aborted = false;
    queue.enqueue(job('a'), (_j, context) => new Promise((_, reject) => context.signal.addEventListener('abort', () => {
      aborted = true;
      reject(new RetryableJobError('interrupted'));
    })), { newHead: true, onError });
    queue.enqueue(job('b', 2), async () => {
      throw new Error('must not start during shutdown');
    }, { newHead: true, onError });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const result = await queue.close({ abortAfterMs: 30, timeoutMs: 500 });
    expect(aborted).toBe(true);
    expect(result).toEqual({ interrupted: 1, unfinished: 0 });
    expect(journal.entries().map((e) => e.job.headSha).sort()).toEqual(['a', 'b']);
  });
});

// Operations over HTTP: /metrics in Prometheus' text format and /ready, on the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addReadinessCheck, removeReadinessCheck } from '../../src/app/health.js';
import type { FakeGitHub } from '../fake-github/server.js';
import { deliverWebhook, pullRequestEvent } from '../fake-github/webhooks.js';
import { generateAppKeys, startAppWithFakeGitHub, stopAppAndFakeGitHub, type RunningApp } from './app-server.js';

const SECRET = 'ops-secret';
const keys = generateAppKeys();
let github: FakeGitHub;
let app: RunningApp;

beforeAll(async () => {
  ({ github, app } = await startAppWithFakeGitHub(keys, SECRET));
});
afterAll(async () => {
  await stopAppAndFakeGitHub(app, github);
});

const metric = (text: string, line: RegExp) => text.split('\n').find((candidate) => line.test(candidate));

describe('operations endpoints', () => {
  it('/metrics counts reviews by outcome, their duration, GitHub errors and retries, and the queue', async () => {
    const repo = github.addRepository({ name: 'ops', files: { 'app.py': 'import asyncio\n' } });
    const pull = github.addPullRequest({ name: 'ops', number: 1, changes: { 'app.py': 'import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n' } });
    github.injectFault({ method: 'GET', route: `/repos/${repo.fullName}/pulls/1/files`, status: 502 });
    const delivery = await deliverWebhook(app.webhookUrl, { event: 'pull_request', payload: pullRequestEvent(repo, pull, 'opened'), secret: SECRET });
    expect(delivery.status).toBeLessThan(300);
    await app.idle();
    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(metric(text, /^async_review_reviews_total\{outcome="failure"\} 1$/)).toBeDefined();
    expect(metric(text, /^async_review_review_duration_seconds_count\{outcome="failure"\} 1$/)).toBeDefined();
    expect(metric(text, /^async_review_github_api_errors_total\{status="502"\} 1$/)).toBeDefined();
    expect(metric(text, /^async_review_github_request_retries_total\{status="502"\} 1$/)).toBeDefined();
    expect(metric(text, /^# TYPE async_review_files_skipped_total counter$/)).toBeDefined();
    expect(metric(text, /^async_review_queue_depth\{state="queued"\} 0$/)).toBeDefined();
    expect(metric(text, /^async_review_process_resident_memory_bytes \d+/)).toBeDefined();
    // Labels never name repositories or files.
    expect(text).not.toContain('ops');
    expect(text).not.toContain('app.py');
  });

  it('/ready reports the journal, and 503 while a registered dependency (Redis mode adds one) is down', async () => {
    const ready = await fetch(`${app.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { journal: 'ok' } });
    addReadinessCheck('redis', () => 'connection refused');
    try {
      const notReady = await fetch(`${app.url}/ready`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toEqual({ status: 'not ready', checks: { journal: 'ok', redis: 'connection refused' } });
    } finally {
      removeReadinessCheck('redis');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { classifyFailure, isIdempotent } from '../../src/github/resilience.js';

const answered = (status: number, headers: Record<string, string> = {}, message = 'failed') =>
  Object.assign(new Error(message), { status, response: { headers, data: {} }, request: { url: 'https://api.github.com/repos/o/r/check-runs' } });
const networkError = (code: string) =>
  Object.assign(new Error('fetch failed'), { status: 500, request: { url: 'https://api.github.com/repos/o/r/check-runs' }, cause: Object.assign(new TypeError('fetch failed'), { cause: { code } }) });
const createCheckRun = { method: 'POST', url: '/repos/{owner}/{repo}/check-runs' };
const listFiles = { method: 'GET', url: '/repos/{owner}/{repo}/pulls/{pull_number}/files' };

describe('classifyFailure', () => {
  it('retries a read answered 5xx, with backoff that grows', () => {
    const first = classifyFailure(answered(502), listFiles, 1, 1000);
    const third = classifyFailure(answered(502), listFiles, 3, 1000);
    expect(first).toMatchObject({ action: 'retry', status: 502 });
    expect(third.action === 'retry' && first.action === 'retry' && third.waitMs > first.waitMs).toBe(true);
  });

  it('never repeats a POST answered 5xx or cut off after sending: its outcome is unknown', () => {
    expect(classifyFailure(answered(502), createCheckRun, 1)).toEqual({ action: 'ambiguous', status: 502 });
    expect(classifyFailure(networkError('ECONNRESET'), createCheckRun, 1)).toEqual({ action: 'ambiguous', status: 'network' });
  });

  it('repeats a POST whose connection was refused (never sent) or whose token request failed', () => {
    expect(classifyFailure(networkError('ECONNREFUSED'), createCheckRun, 1).action).toBe('retry');
    const tokenFailure = Object.assign(answered(502), { request: { url: 'https://api.github.com/app/installations/9/access_tokens' } });
    expect(classifyFailure(tokenFailure, createCheckRun, 1).action).toBe('retry');
  });

  it('waits what a rate limit says: Retry-After, the reset time, or a minute for a secondary limit without either', () => {
    const now = 1_700_000_000_000;
    expect(classifyFailure(answered(403, { 'retry-after': '7' }), createCheckRun, 1, 1000, now)).toEqual({ action: 'retry', waitMs: 7000, status: 403 });
    expect(classifyFailure(answered(429, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 30) }), listFiles, 1, 1000, now)).toEqual({ action: 'retry', waitMs: 31_000, status: 429 });
    expect(classifyFailure(answered(403, {}, 'You have exceeded a secondary rate limit'), listFiles, 1, 1000, now)).toEqual({ action: 'retry', waitMs: 60_000, status: 403 });
    const graphqlLimited = Object.assign(new Error('GraphQL Rate Limit Exceeded'), {
      response: { status: 200, headers: { 'x-ratelimit-reset': String(now / 1000 + 10) }, data: { errors: [{ type: 'RATE_LIMITED', message: 'API rate limit exceeded' }] } },
    });
    expect(classifyFailure(graphqlLimited, { method: 'POST', url: '/graphql', query: 'query { x }' }, 1, 1000, now)).toEqual({ action: 'retry', waitMs: 11_000, status: 429 });
  });

  it('fails at once on other client errors (a 403 without rate limiting is a permission problem)', () => {
    expect(classifyFailure(answered(403, {}, 'Resource not accessible by integration'), listFiles, 1).action).toBe('fail');
    expect(classifyFailure(answered(422), createCheckRun, 1).action).toBe('fail');
    expect(classifyFailure(answered(404), listFiles, 1).action).toBe('fail');
  });
});

describe('isIdempotent', () => {
  it('GraphQL queries yes, mutations no; a PATCH with annotations no (GitHub appends them); declared wins', () => {
    expect(isIdempotent({ method: 'POST', url: '/graphql', query: 'query($a: String!) { x }' })).toBe(true);
    expect(isIdempotent({ method: 'POST', url: '/graphql', query: 'mutation { x }' })).toBe(false);
    expect(isIdempotent({ method: 'POST', url: '/graphql', query: 'mutation { x }', request: { idempotent: true } })).toBe(true);
    expect(isIdempotent({ method: 'PATCH', url: '/repos/{owner}/{repo}/check-runs/{check_run_id}', output: { annotations: [{}] } })).toBe(false);
    expect(isIdempotent({ method: 'PATCH', url: '/repos/{owner}/{repo}/check-runs/{check_run_id}', status: 'completed' })).toBe(true);
  });
});

describe('skipReason (metrics: files skipped for time or size)', async () => {
  const { skipReason } = await import('../../src/app/metrics.js');
  const { timeLimitMessage, memoryLimitMessage } = await import('../../src/analyzer/limits.js');
  it('tells the analyzer limits and the byte limit apart', () => {
    expect(skipReason(timeLimitMessage(5000))).toBe('time');
    expect(skipReason(memoryLimitMessage(256))).toBe('size');
    expect(skipReason('skipped: 11000000 bytes is over the 10485760-byte limit')).toBe('size');
    expect(skipReason('binary file, not analyzed')).toBe('other');
  });
});

describe('loggableError (logs carry no file contents or credentials)', async () => {
  const { loggableError } = await import('../../src/github/client.js');
  const { AmbiguousWriteError } = await import('../../src/github/resilience.js');
  it('keeps the kind, message, status and route of a failed request, and drops its body and headers', () => {
    const failure = Object.assign(new Error('Bad Gateway'), {
      status: 502,
      request: { method: 'POST', url: 'https://api.github.com/repos/o/r/pulls/1/reviews?x=1', headers: { authorization: 'token ghs_secret' }, body: '{"comments":[{"body":"time.sleep(SECRET_CODE)"}]}' },
    });
    const logged = loggableError(new AmbiguousWriteError('POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews', { cause: failure }));
    const text = JSON.stringify(logged);
    expect(logged).toMatchObject({ type: 'AmbiguousWriteError', cause: { type: 'Error', status: 502, request: 'POST https://api.github.com/repos/o/r/pulls/1/reviews' } });
    expect(text).not.toContain('SECRET_CODE');
    expect(text).not.toContain('ghs_secret');
  });
});

// How the App benchmark reads the fake GitHub's request log: which request posted the review, which one
// completed the check, and how requests are counted for the target.
import { describe, expect, it } from 'vitest';
import { analyseLog } from '../../bench/app-e2e.js';
import type { RequestLogEntry } from '../fake-github/server.js';

const at = (startedAt: number, finishedAt: number, method: string, route: string, body?: unknown, status = 200): RequestLogEntry => ({
  method,
  path: `/api/v3${route}`,
  route,
  query: '',
  status,
  startedAt,
  finishedAt,
  ...(body !== undefined && { body }),
});

const annotations = (n: number) => Array.from({ length: n }, (_, i) => ({ path: 'a.py', start_line: i + 1, end_line: i + 1, annotation_level: 'failure', message: 'x' }));

describe('analyseLog', () => {
  const delivered = 1000;
  const log = [
    at(1100, 1200, 'POST', '/app/installations/1/access_tokens', {}, 201),
    at(1200, 1300, 'POST', '/repos/o/r/check-runs', { name: 'async-review', head_sha: 'abc', status: 'in_progress' }, 201),
    at(1300, 1400, 'GET', '/repos/o/r/pulls/1/files'),
    at(1400, 1500, 'POST', '/repos/o/r/pulls/1/reviews', { body: 'x' }, 422),
    at(2000, 2100, 'POST', '/repos/o/r/pulls/1/reviews', { body: 'x', comments: [] }),
    at(3000, 3100, 'PATCH', '/repos/o/r/check-runs/7', { status: 'completed', conclusion: 'failure', output: { title: 't', summary: 's', annotations: annotations(50) } }),
    at(4000, 4100, 'PATCH', '/repos/o/r/check-runs/7', { output: { title: 't', summary: 's', annotations: annotations(10) } }),
  ];

  it('times the successful review POST and the PATCH that concluded the check from the delivery', () => {
    const figures = analyseLog(log, delivered);
    expect(figures.reviewPostedMs).toBe(1100);
    expect(figures.checkCompletedMs).toBe(2100);
    expect(figures.lastRequestMs).toBe(3100);
  });

  it('counts every request, and for the target all but the annotation batches after the first', () => {
    const figures = analyseLog(log, delivered);
    expect(figures.apiRequests).toBe(7);
    expect(figures.annotationBatches).toBe(2);
    expect(figures.requestsBeyondFirstAnnotationBatch).toBe(6);
    expect(figures.writes).toBe(5);
    expect(figures.sequentialRoundTrips).toBe(7);
  });

  it('reports no review and no completed check when none happened', () => {
    const figures = analyseLog(log.slice(0, 3), delivered);
    expect(figures.reviewPostedMs).toBeUndefined();
    expect(figures.checkCompletedMs).toBeUndefined();
  });
});

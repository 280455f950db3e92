// End to end with repository context: the real Probot server (default throttling) and the fake GitHub. A PR
// changes one module; the coroutines, async context managers, async generators and blocking helpers it uses
// live in unchanged modules of the head commit, which the App must fetch.
//
// The findings across modules come from the analyzer's project index, which reads the context this App hands
// it. Where this branch's analyzer does not read it yet, the tests that need it are skipped by
// `whenTheAnalyzerReadsContext` (decided by asking the analyzer, not by a flag): they run as soon as it does.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModuleSource } from '../../src/analyzer/project/module-source.js';
import { reviewChanges } from '../../src/app/review-changes.js';
import { DEFAULT_CONFIG } from '../../src/config/index.js';
import type { FakeGitHub, PullRequest, Repository, RequestLogEntry } from '../fake-github/server.js';
import { deliverWebhook, pullRequestEvent } from '../fake-github/webhooks.js';
import { generateAppKeys, startAppWithFakeGitHub, stopAppAndFakeGitHub, type RunningApp } from './app-server.js';

const SECRET = 'e2e-context-secret';
const keys = generateAppKeys();

/** The unchanged modules (src layout, a re-export through `__init__.py`, a blocking helper two calls deep). */
const LIBRARY = {
  // blocking-via-helper is off by default: this project turns it on.
  '.github/async-review.yml': 'rules:\n  blocking-via-helper: warning\n',
  'src/shop/__init__.py': 'from .db import fetch_invoice\n',
  'src/shop/db.py': 'async def fetch_invoice(invoice_id):\n    return {"id": invoice_id}\n',
  'src/shop/sessions.py': 'class Session:\n    async def __aenter__(self):\n        return self\n\n    async def __aexit__(self, *exc):\n        return False\n',
  'src/shop/streams.py': 'async def rows():\n    yield 1\n    yield 2\n',
  'src/shop/retry.py': 'import time\n\n\ndef backoff():\n    time.sleep(1)\n',
  'src/shop/reports.py': 'from .retry import backoff\n\n\ndef sync_totals():\n    backoff()\n    return 0\n',
  // A look-alike: a sync function of the same name elsewhere, which must not be taken for the coroutine.
  'src/legacy/db.py': 'def fetch_invoice(invoice_id):\n    return {"id": invoice_id}\n',
};
const HANDLERS_BASE = `import time

from shop import fetch_invoice
from shop.reports import sync_totals
from shop.sessions import Session
from shop.streams import rows


async def handle(invoice_id):
    return invoice_id
`;
/** The PR's version of the one module it changes. */
const HANDLERS_HEAD = HANDLERS_BASE.replace(
  '    return invoice_id\n',
  `    time.sleep(0.1)
    fetch_invoice(invoice_id)
    with Session() as session:
        print(session)
    for row in rows():
        print(row)
    return sync_totals()
`,
);
const lineOf = (text: string) => HANDLERS_HEAD.split('\n').findIndex((line) => line.includes(text)) + 1;

/** Whether this branch's analyzer reads the modules a checked file imports from a ChangeSet's context. */
async function analyzerReadsContext(): Promise<boolean> {
  const asked = new Set<string>();
  const source: ModuleSource = {
    listPaths: async () => new Set(['lib.py', 'app.py']),
    read: async (paths) => {
      for (const path of paths) asked.add(path);
      return new Map(paths.filter((path) => path === 'lib.py').map((path) => [path, 'async def fetch():\n    pass\n']));
    },
  };
  await reviewChanges({
    files: [{ path: 'app.py', content: 'from lib import fetch\n\n\nasync def main():\n    fetch()\n' }],
    changes: new Map([['app.py', null]]),
    config: DEFAULT_CONFIG,
    context: { source },
  });
  return asked.has('lib.py');
}
const whenTheAnalyzerReadsContext = it.skipIf(!(await analyzerReadsContext()));

let github: FakeGitHub;
let app: RunningApp;

beforeAll(async () => {
  ({ github, app } = await startAppWithFakeGitHub(keys, SECRET));
});

afterAll(async () => {
  await stopAppAndFakeGitHub(app, github);
});

afterEach(() => {
  delete process.env.REPOSITORY_CONTEXT;
});

interface Review {
  requests: RequestLogEntry[];
  comments: { path: string; line: number | null; body: string }[];
  conclusion: string | null | undefined;
  summary: string | null | undefined;
}

/** A repository holding the library, a PR changing handlers.py, one delivery, and what the App did. */
async function review(name: string, options: { treeEntryLimit?: number; before?: () => void } = {}): Promise<Review> {
  // Each repository's modules end with its own comment: other blob SHAs, so no summary cached from another
  // repository's review answers for them (the App caches summaries by blob SHA, across repositories too).
  const library = Object.fromEntries(Object.entries(LIBRARY).map(([path, text]) => [path, path.endsWith('.py') ? `${text}# ${name}\n` : text]));
  const repo: Repository = github.addRepository({ name, files: { ...library, 'src/shop/handlers.py': HANDLERS_BASE }, treeEntryLimit: options.treeEntryLimit });
  const pull: PullRequest = github.addPullRequest({ name, number: 1, changes: { 'src/shop/handlers.py': HANDLERS_HEAD } });
  options.before?.();
  const start = github.requests.length;
  const delivery = await deliverWebhook(app.webhookUrl, { event: 'pull_request', payload: pullRequestEvent(repo, pull, 'opened'), secret: SECRET });
  expect(delivery.status).toBeLessThan(300);
  await app.idle();
  const run = github.state.checkRuns.find((candidate) => candidate.repository === repo.fullName && candidate.head_sha === pull.headSha);
  return {
    // Token requests depend on what the App had cached before, not on this review.
    requests: github.requests.slice(start).filter((entry) => !entry.route.endsWith('/access_tokens')),
    comments: github.state.reviewComments.filter((comment) => comment.repository === repo.fullName).map(({ path, line, body }) => ({ path, line, body })),
    conclusion: run?.conclusion,
    summary: run?.output.summary,
  };
}

const treeRequests = (requests: readonly RequestLogEntry[]) => requests.filter((entry) => /\/git\/trees\//.test(entry.route));
const contextQueries = (requests: readonly RequestLogEntry[]) => requests.filter((entry) => entry.graphql?.name === 'RepositoryContext');
const askedPaths = (entry: RequestLogEntry) =>
  Object.entries((entry.body as { variables: Record<string, string> }).variables)
    .filter(([name]) => /^f\d+$/.test(name))
    .map(([, expression]) => expression.slice(expression.indexOf(':') + 1));
const placeOf = (comments: Review['comments']) => comments.map(({ path, line }) => [path, line]);
const byLine = (comments: Review['comments']) => new Map(comments.map((comment) => [comment.line, comment.body]));

describe('the App with repository context', () => {
  let withoutContext: Review;
  let withContext: Review;

  it('costs at most 2 more API requests than the same review without context, and comments only on the changed module', async () => {
    process.env.REPOSITORY_CONTEXT = 'off';
    withoutContext = await review('no-context');
    delete process.env.REPOSITORY_CONTEXT;
    withContext = await review('with-context');

    expect(treeRequests(withoutContext.requests)).toEqual([]);
    expect(treeRequests(withContext.requests)).toHaveLength(1);
    expect(withContext.requests.length - withoutContext.requests.length).toBeGreaterThanOrEqual(1);
    expect(withContext.requests.length - withoutContext.requests.length).toBeLessThanOrEqual(2);
    expect(contextQueries(withContext.requests).length).toBeLessThanOrEqual(1);
    // Comments stay on the changed module's lines: an unchanged module is never commented on.
    expect(withContext.comments.every((comment) => comment.path === 'src/shop/handlers.py')).toBe(true);
    expect(withoutContext.comments.map((comment) => comment.body)).toEqual([expect.stringContaining('blocking-sleep')]);
    expect(byLine(withContext.comments).get(lineOf('time.sleep(0.1)'))).toContain('blocking-sleep');
    expect(withContext.conclusion).toBe('failure');
  });

  it('reviews without context, and still posts its review, when GitHub truncates the head tree', async () => {
    const truncated = await review('truncated-tree', { treeEntryLimit: 2 });
    expect(treeRequests(truncated.requests)).toHaveLength(1);
    expect(contextQueries(truncated.requests)).toEqual([]);
    expect(truncated.conclusion).toBe(withoutContext.conclusion);
    expect(placeOf(truncated.comments)).toEqual(placeOf(withoutContext.comments));
  });

  it('reviews without context, and still posts its review, when the tree request fails', async () => {
    // A refusal (404: the tree is not readable), which is not retried; a transient 5xx is retried by the
    // GitHub layer (src/github/resilience.ts) and then gives the review its context.
    const failed = await review('tree-fails', { before: () => github.injectFault({ method: 'GET', route: /\/repos\/octo-org\/tree-fails\/git\/trees\//, status: 404 }) });
    expect(treeRequests(failed.requests).map((entry) => entry.status)).toEqual([404]);
    expect(failed.conclusion).toBe(withoutContext.conclusion);
    expect(placeOf(failed.comments)).toEqual(placeOf(withoutContext.comments));
  });

  whenTheAnalyzerReadsContext('fetches the unchanged modules the PR uses, in one batched query at the head commit', () => {
    const [query] = contextQueries(withContext.requests);
    expect(query).toBeDefined();
    expect(askedPaths(query!)).toEqual(
      expect.arrayContaining(['src/shop/__init__.py', 'src/shop/sessions.py', 'src/shop/streams.py', 'src/shop/reports.py']),
    );
    // The look-alike in another package is not what `from shop import fetch_invoice` resolves to.
    expect(askedPaths(query!)).not.toContain('src/legacy/db.py');
  });

  whenTheAnalyzerReadsContext('finds the pitfalls whose definitions live in the unchanged modules, on the changed lines', () => {
    const bodies = byLine(withContext.comments);
    expect(bodies.get(lineOf('fetch_invoice(invoice_id)'))).toMatch(/missing-await[\s\S]*fetch_invoice[\s\S]*src\/shop\/db\.py:1/);
    expect(bodies.get(lineOf('with Session()'))).toContain('sync-with-async-context-manager');
    expect(bodies.get(lineOf('for row in rows()'))).toContain('sync-for-over-async-iterator');
    expect(bodies.get(lineOf('return sync_totals()'))).toMatch(/blocking-via-helper[\s\S]*sync_totals\(\) → backoff\(\) → time\.sleep\(\)/);
    // Without context none of them is known: only the single-module finding.
    expect(placeOf(withoutContext.comments)).toEqual([['src/shop/handlers.py', lineOf('time.sleep(0.1)')]]);
  });

  whenTheAnalyzerReadsContext('reviews without context, and still posts its review, when reading the modules fails', async () => {
    const failed = await review('read-fails', { before: () => github.injectFault({ route: '/graphql', operationName: 'RepositoryContext', status: 502 }) });
    expect(contextQueries(failed.requests).map((entry) => entry.status)).toEqual([502]);
    expect(failed.conclusion).toBe('failure');
    expect(placeOf(failed.comments)).toEqual(placeOf(withoutContext.comments));
  });

  whenTheAnalyzerReadsContext('a second push that changes only the PR module fetches no module text again', async () => {
    const before = github.requests.length;
    github.pushToPullRequest(1, { 'src/shop/handlers.py': `${HANDLERS_HEAD}\n# touched\n` }, { repo: 'with-context' });
    const repo = github.state.repositories.get('octo-org/with-context')!;
    const pull = repo.pulls.get(1)!;
    const delivery = await deliverWebhook(app.webhookUrl, { event: 'pull_request', payload: pullRequestEvent(repo, pull, 'synchronize'), secret: SECRET });
    expect(delivery.status).toBeLessThan(300);
    await app.idle();
    const requests = github.requests.slice(before);
    expect(treeRequests(requests)).toHaveLength(1);
    expect(contextQueries(requests)).toEqual([]);
  });
});

// The App's repository context against the fake GitHub (a real HTTP server answering GitHub's REST and
// GraphQL shapes, validating queries against GitHub's schema): the head tree, the batched module reads, their
// caps, the reads ahead, the summary cache across pushes, and the fallbacks when GitHub fails.
import { generateKeyPairSync } from 'node:crypto';
import type { Octokit } from '@octokit/rest';
import { Probot } from 'probot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startRepositoryContext, type RepositoryContext } from '../../src/app/repository-context.js';
import type { Log } from '../../src/app/review-pull-request.js';
import { MemorySummaryCache } from '../../src/app/summary-cache.js';
import type { GitHubClient } from '../../src/github/client.js';
import type { ContextLimits } from '../../src/github/module-source.js';
import { gitBlobSha } from '../fake-github/model.js';
import { installationClient } from '../fake-github/installation-client.js';
import { startFakeGitHub, type FakeGitHub, type PullRequest } from '../fake-github/server.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APP_ID = 4242;
const owner = 'octo-org';
const repo = 'service';

const DB = 'async def fetch_invoice(invoice_id):\n    return invoice_id\n';
const RETRY = 'import time\n\n\ndef backoff():\n    time.sleep(1)\n';
const INIT = 'from .db import fetch_invoice\n';
const HANDLERS = 'from billing import fetch_invoice\n\n\nasync def handle(request):\n    fetch_invoice(request.id)\n';

let github: FakeGitHub;
let octokit: Octokit;
let warnings: string[];
const log: Log = {
  debug: () => {},
  info: () => {},
  warn: (_object: object | string, message?: string) => warnings.push(message ?? String(_object)),
  error: () => {},
};

beforeEach(async () => {
  warnings = [];
  github = await startFakeGitHub({ appId: APP_ID, appPublicKey: publicKey });
});

afterEach(async () => {
  await github.close();
});

/** The repository and its PR, and a client of its installation. */
async function addPull(files: Record<string, string | Uint8Array>, options: { treeEntryLimit?: number } = {}): Promise<PullRequest> {
  github.addRepository({ files: { 'billing/__init__.py': INIT, 'billing/db.py': DB, 'billing/retry.py': RETRY, 'README.md': '# service\n', ...files }, ...options });
  const pull = github.addPullRequest({ number: 1, changes: { 'app/handlers.py': HANDLERS } });
  octokit = await installationClient(github, privateKey, APP_ID);
  return pull;
}

async function contextFor(pull: PullRequest, cache = new MemorySummaryCache(), limits?: Partial<ContextLimits>): Promise<RepositoryContext | undefined> {
  return startRepositoryContext({ owner, repo, octokit: octokit as unknown as GitHubClient, headSha: pull.headSha, log, cache, limits });
}

const since = (start: number) => github.requests.slice(start);
const contextQueries = (start: number) => since(start).filter((entry) => entry.graphql?.name === 'RepositoryContext');
/** The `SHA:path` expressions a logged GraphQL query asked for. */
const askedPaths = (entry: { body?: unknown }) =>
  Object.entries((entry.body as { variables: Record<string, string> }).variables)
    .filter(([name]) => /^f\d+$/.test(name))
    .map(([, expression]) => expression.slice(expression.indexOf(':') + 1))
    .sort();

describe('the head tree', () => {
  it('lists the Python files of the head commit with their blob SHAs, in one REST request', async () => {
    const pull = await addPull({});
    const start = github.requests.length;
    const context = (await contextFor(pull))!;
    expect(since(start).map((entry) => `${entry.method} ${entry.route}${entry.query}`)).toEqual([
      `GET /repos/${owner}/${repo}/git/trees/${pull.headSha}?recursive=1`,
    ]);
    const paths = await context.source.listPaths();
    expect([...paths].sort()).toEqual(['app/handlers.py', 'billing/__init__.py', 'billing/db.py', 'billing/retry.py']);
    expect(context.source.contentId('billing/db.py')).toBe(gitBlobSha(Buffer.from(DB)));
    expect(context.source.contentId('README.md')).toBeUndefined();
    expect(context.context.cache).toBeDefined();
  });

  it('gives no context when GitHub truncates the tree, and says why', async () => {
    const pull = await addPull({}, { treeEntryLimit: 3 });
    expect(await contextFor(pull)).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/repository context unavailable.*truncated/);
  });

  it('gives no context when the tree request fails', async () => {
    const pull = await addPull({});
    github.injectFault({ method: 'GET', route: /\/git\/trees\//, status: 502 });
    expect(await contextFor(pull)).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/repository context unavailable.*502/);
  });
});

describe('reading modules', () => {
  it('reads many modules in one GraphQL query, leaving binary, oversized and missing ones unknown', async () => {
    const binary = Uint8Array.from([0x89, 0x50, 0x00, 0x01, 0x02]);
    const pull = await addPull({ 'billing/big.py': `DATA = "${'x'.repeat(5_000)}"\n`, 'billing/packed.py': binary });
    const context = (await contextFor(pull, undefined, { maxModuleBytes: 1_000, maxPrefetch: 0 }))!;
    const start = github.requests.length;
    const texts = await context.source.read(['billing/db.py', 'billing/__init__.py', 'billing/big.py', 'billing/packed.py', 'billing/missing.py']);
    expect(Object.fromEntries(texts)).toEqual({ 'billing/db.py': DB, 'billing/__init__.py': INIT });
    const queries = contextQueries(start);
    expect(since(start)).toHaveLength(1);
    // The oversized module is known from the tree's size and never asked for; the missing one is not in the tree.
    expect(askedPaths(queries[0]!)).toEqual(['billing/__init__.py', 'billing/db.py', 'billing/packed.py']);
    expect(context.source.stats).toMatchObject({ requests: 1, modulesFetched: 2, unknown: 3 });
  });

  it('fetches the uncached siblings ahead in its last allowed query, then answers from them without a request', async () => {
    const pull = await addPull({ 'billing/models.py': 'class Invoice:\n    pass\n', 'other/tool.py': 'x = 1\n' });
    const cache = new MemorySummaryCache();
    await cache.set(gitBlobSha(Buffer.from('class Invoice:\n    pass\n')), { cached: true });
    const context = (await contextFor(pull, cache))!;
    const start = github.requests.length;
    expect([...(await context.source.read(['billing/__init__.py'])).keys()]).toEqual(['billing/__init__.py']);
    // billing/models.py has a cached summary, other/tool.py is in another folder: neither is fetched ahead.
    expect(askedPaths(contextQueries(start)[0]!)).toEqual(['billing/__init__.py', 'billing/db.py', 'billing/retry.py']);

    const next = github.requests.length;
    expect(Object.fromEntries(await context.source.read(['billing/db.py', 'billing/retry.py']))).toEqual({ 'billing/db.py': DB, 'billing/retry.py': RETRY });
    // The request budget is spent: a module not fetched ahead stays unknown rather than cost a request.
    expect((await context.source.read(['other/tool.py'])).size).toBe(0);
    expect(since(next)).toHaveLength(0);
    expect(context.source.stats).toMatchObject({ requests: 1, prefetchHits: 2, unknown: 1 });
  });

  it('answers concurrent reads within the same one-query budget', async () => {
    const pull = await addPull({ 'other/tool.py': 'x = 1\n' });
    const context = (await contextFor(pull))!;
    const start = github.requests.length;
    const [first, second, third] = await Promise.all([
      context.source.read(['billing/db.py']),
      context.source.read(['billing/retry.py']),
      context.source.read(['other/tool.py']),
    ]);
    expect([first.get('billing/db.py'), second.get('billing/retry.py'), third.size]).toEqual([DB, RETRY, 0]);
    expect(contextQueries(start)).toHaveLength(1);
  });

  it('caps the modules and bytes one review fetches', async () => {
    const many = Object.fromEntries(Array.from({ length: 12 }, (_, index) => [`lib/m${index}.py`, `X = ${index}\n`]));
    const pull = await addPull(many);
    const context = (await contextFor(pull, undefined, { maxModules: 5, maxPrefetch: 0 }))!;
    const texts = await context.source.read(Object.keys(many));
    expect(texts.size).toBe(5);
    expect(context.source.stats).toMatchObject({ requests: 1, modulesFetched: 5, unknown: 7 });

    // Each module is 6 or 7 bytes: 20 bytes in all hold the first three.
    const bytesCapped = (await contextFor(pull, undefined, { maxTotalBytes: 20, maxPrefetch: 0 }))!;
    expect([...(await bytesCapped.source.read(Object.keys(many))).keys()]).toEqual(['lib/m0.py', 'lib/m1.py', 'lib/m2.py']);
    expect(bytesCapped.source.stats.bytesFetched).toBeLessThanOrEqual(20);
  });

  it('leaves the modules unknown when the query fails, and asks no more', async () => {
    const pull = await addPull({});
    const context = (await contextFor(pull))!;
    github.injectFault({ route: '/graphql', status: 502 });
    const start = github.requests.length;
    expect((await context.source.read(['billing/db.py'])).size).toBe(0);
    expect(warnings.join('\n')).toMatch(/reading imported modules failed/);
    expect((await context.source.read(['billing/retry.py'])).size).toBe(0);
    expect(since(start)).toHaveLength(1);
  });
});

/** What the project index does with a context (the analyzer's side, reduced to its use of the seam): a module
 *  whose content id has a cached summary is not read; the others are read and their summaries cached. */
async function summarize(context: RepositoryContext, paths: readonly string[]): Promise<{ cached: string[]; read: string[] }> {
  const { source, cache } = context.context;
  const cached: string[] = [];
  const missing: string[] = [];
  for (const path of paths) {
    if ((await cache!.get(source.contentId!(path)!)) !== undefined) cached.push(path);
    else missing.push(path);
  }
  const texts = missing.length ? await source.read(missing) : new Map<string, string>();
  for (const [path, text] of texts) await cache!.set(source.contentId!(path)!, { path, lines: text.split('\n').length });
  return { cached, read: [...texts.keys()] };
}

describe('the summary cache across pushes', () => {
  it('a later push reads no module it summarized before: their blob SHAs hit the summaries cached then', async () => {
    const pull = await addPull({});
    const cache = new MemorySummaryCache();
    const first = (await contextFor(pull, cache))!;
    expect(await summarize(first, ['billing/__init__.py', 'billing/db.py'])).toEqual({ cached: [], read: ['billing/__init__.py', 'billing/db.py'] });

    // A push that changes only the PR's module: every imported module is unchanged, so nothing is read.
    github.pushToPullRequest(1, { 'app/handlers.py': `${HANDLERS}\n# again\n` });
    const second = (await contextFor(pull, cache))!;
    let start = github.requests.length;
    expect(await summarize(second, ['billing/__init__.py', 'billing/db.py'])).toEqual({ cached: ['billing/__init__.py', 'billing/db.py'], read: [] });
    expect(since(start)).toEqual([]);

    // A push that changes an imported module, which now imports another: only those two are read.
    github.pushToPullRequest(1, { 'billing/__init__.py': `${INIT}from .retry import backoff\n` });
    const third = (await contextFor(pull, cache))!;
    start = github.requests.length;
    expect(await summarize(third, ['billing/__init__.py', 'billing/db.py', 'billing/retry.py'])).toEqual({
      cached: ['billing/db.py'],
      read: ['billing/__init__.py', 'billing/retry.py'],
    });
    expect(contextQueries(start).map(askedPaths)).toEqual([['billing/__init__.py', 'billing/retry.py']]);
  });
});

describe('with the App\'s own client (Probot, default throttling)', () => {
  it('reads modules with the installation token, not held ≥ 1 s behind the previous GraphQL request', async () => {
    const pull = await addPull({});
    const probot = new Probot({ appId: APP_ID, privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), baseUrl: github.apiUrl, logLevel: 'fatal' });
    const appOctokit = (await probot.auth(1)) as unknown as GitHubClient;
    const context = (await startRepositoryContext({ owner, repo, octokit: appOctokit, headSha: pull.headSha, log, cache: new MemorySummaryCache() }))!;
    // A GraphQL request through the throttled client, as the snapshot query is: the next one it sends waits 1 s.
    await appOctokit.graphql('query { viewer { login } }');
    const start = github.requests.length;
    const texts = await context.source.read(['billing/db.py']);
    expect(texts.get('billing/db.py')).toBe(DB);
    const [previous, query] = [github.requests[start - 1]!, contextQueries(start)[0]!];
    expect(query.status).toBe(200);
    expect(query.startedAt - previous.startedAt).toBeLessThan(500);
  });
});

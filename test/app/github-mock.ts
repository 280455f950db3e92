// Test helpers: a Probot instance wired to async-review, real webhook payloads, and nock interceptors that
// answer GitHub's REST and GraphQL endpoints for one pull request. Every interceptor records its request.
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import asyncReviewApp from '../../src/index.js';

export const API = 'https://api.github.com';
export const OWNER = 'Codertocat';
export const REPO = 'Hello-World';
export const PULL = 2;
export const HEAD_SHA = 'ec26c3e57ca3a959ca5aad62de7213c562f8c821';
export const INSTALLATION_ID = 1;
export const CHECK_RUN_ID = 4242;
const REPO_PATH = `/repos/${OWNER}/${REPO}`;

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

// GitHub faults are retried within a review's deadline: short ones here, so a test of a persistent fault is quick.
process.env.REVIEW_DEADLINE_SECONDS ??= '1';
process.env.GITHUB_RETRY_BASE_MS ??= '20';

export async function createProbot(): Promise<Probot> {
  const probot = new Probot({
    appId: 123,
    privateKey,
    logLevel: 'fatal',
    // Probot passes its own throttle options to the Octokit it builds, so a plain `defaults({ throttle })`
    // is overridden; a function sees Probot's options and can switch throttling off for fast tests.
    Octokit: ProbotOctokit.defaults((options: any) => ({
      ...options,
      retry: { enabled: false },
      throttle: { ...options.throttle, enabled: false },
    })),
  });
  await probot.load(asyncReviewApp);
  return probot;
}

interface WebhookExample {
  name: string;
  examples: Record<string, unknown>[];
}
const definitions = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookExample[];

/** A real example payload of `name`.`action` that has an installation, deep-copied. */
export function examplePayload(name: string, action: string): any {
  const example = definitions
    .find((definition) => definition.name === name)
    ?.examples.find((candidate) => candidate.action === action && candidate.installation);
  if (!example) throw new Error(`no ${name}.${action} example with an installation`);
  return structuredClone(example);
}

export interface PullFile {
  filename: string;
  status: 'added' | 'removed' | 'modified' | 'renamed';
  patch?: string;
  previous_filename?: string;
  sha?: string;
}

/** A whole new file's patch: every line added. */
export function addedPatch(text: string): string {
  const lines = text.replace(/\n$/, '').split('\n');
  return [`@@ -0,0 +1,${lines.length} @@`, ...lines.map((line) => `+${line}`)].join('\n');
}

export interface Thread {
  id: string;
  isResolved: boolean;
  path: string;
  body: string;
  authorType?: 'Bot' | 'User';
}

/** What the mocked GitHub holds for the pull request. */
export interface PullState {
  files: PullFile[];
  /** Texts at the head commit by path; `{ large }` files come back truncated from GraphQL. */
  contents?: Record<string, string | { large: string }>;
  /** `.github/async-review.yml` on the default branch. */
  config?: string;
  /** pyproject.toml on the default branch (its `[tool.async-review]` table configures the App too). */
  defaultPyproject?: string;
  /** pytest configuration files at the head commit by name. */
  pytest?: Record<string, string>;
  threads?: Thread[];
  /** The pull request's head as GitHub answers it now (default: HEAD_SHA, the commit under review). */
  currentHead?: string;
}

export interface Recorded {
  checkRunCreations: any[];
  checkRunUpdates: any[];
  reviews: any[];
  snapshotQueries: { query: string; variables: Record<string, unknown> }[];
  mutations: { query: string; variables: Record<string, unknown> }[];
  filePages: number[];
  blobs: string[];
}

export function newRecorded(): Recorded {
  return { checkRunCreations: [], checkRunUpdates: [], reviews: [], snapshotQueries: [], mutations: [], filePages: [], blobs: [] };
}

export function mockAccessToken(): nock.Scope {
  return nock(API)
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(200, { token: 'ghs_test', permissions: { checks: 'write', pull_requests: 'write', contents: 'read', metadata: 'read' } });
}

export function mockCheckRunCreation(recorded: Recorded): nock.Scope {
  return nock(API)
    .post(`${REPO_PATH}/check-runs`, (body) => (recorded.checkRunCreations.push(body), true))
    .reply(201, { id: CHECK_RUN_ID });
}

export function mockCheckRunUpdates(recorded: Recorded, times = 1): nock.Scope {
  return nock(API)
    .patch(`${REPO_PATH}/check-runs/${CHECK_RUN_ID}`, (body) => (recorded.checkRunUpdates.push(body), true))
    .times(times)
    .reply(200, { id: CHECK_RUN_ID });
}

export function mockFileList(recorded: Recorded, files: PullFile[]): nock.Scope {
  const pages = Math.max(1, Math.ceil(files.length / 100));
  const scope = nock(API);
  for (let page = 1; page <= pages; page++) {
    const link =
      pages > 1 && page < pages
        ? `<${API}${REPO_PATH}/pulls/${PULL}/files?per_page=100&page=${page + 1}>; rel="next", <${API}${REPO_PATH}/pulls/${PULL}/files?per_page=100&page=${pages}>; rel="last"`
        : undefined;
    scope
      .get(`${REPO_PATH}/pulls/${PULL}/files`)
      .query({ per_page: '100', page: String(page) })
      .reply(
        200,
        () => {
          recorded.filePages.push(page);
          return files.slice((page - 1) * 100, page * 100).map((file, index) => ({ sha: `blob${page}x${index}`, additions: 1, deletions: 0, changes: 1, ...file }));
        },
        link ? { link } : {},
      );
  }
  return scope;
}

/** Answers the review's GraphQL snapshot queries from `state`, `times` queries in all. */
export function mockSnapshot(recorded: Recorded, state: PullState, times = 1): nock.Scope {
  return nock(API)
    .post('/graphql', (body) => typeof body.query === 'string' && body.query.trimStart().startsWith('query'))
    .times(times)
    .reply(200, (_uri, body: any) => {
      recorded.snapshotQueries.push(body);
      const repository: Record<string, unknown> = {};
      for (const [alias, expression] of Object.entries(body.variables as Record<string, unknown>)) {
        if (typeof expression !== 'string' || !expression.includes(':')) continue;
        const [revision, path] = [expression.slice(0, expression.indexOf(':')), expression.slice(expression.indexOf(':') + 1)];
        repository[alias] = blobAt(state, revision, path);
      }
      if (body.query.includes('pullRequest(')) {
        repository.pullRequest = {
          headRefOid: state.currentHead ?? HEAD_SHA,
          reviewThreads: {
            pageInfo: { hasNextPage: false, endCursor: null },
            nodes: (state.threads ?? []).map((thread) => ({
              id: thread.id,
              isResolved: thread.isResolved,
              path: thread.path,
              comments: { nodes: [{ body: thread.body, author: { __typename: thread.authorType ?? 'Bot', login: 'async-review' } }] },
            })),
          },
        };
      }
      return { data: { repository } };
    });
}

function blobAt(state: PullState, revision: string, path: string): unknown {
  let text: string | { large: string } | undefined;
  if (revision === 'HEAD') text = path === '.github/async-review.yml' ? state.config : path === 'pyproject.toml' ? state.defaultPyproject : undefined;
  else if (revision === HEAD_SHA) text = state.pytest?.[path] ?? state.contents?.[path];
  else throw new Error(`unexpected revision ${revision}`);
  if (text === undefined) return null;
  if (typeof text === 'string') return { text, isTruncated: false, isBinary: false, byteSize: Buffer.byteLength(text) };
  // GitHub's GraphQL API truncates big blobs: no text, isTruncated true.
  return { text: null, isTruncated: true, isBinary: false, byteSize: Buffer.byteLength(text.large) };
}

export function mockReview(recorded: Recorded, status = 200, reply: object = { id: 1 }): nock.Scope {
  return nock(API)
    .post(`${REPO_PATH}/pulls/${PULL}/reviews`, (body) => (recorded.reviews.push(body), true))
    .reply(status, reply);
}

export function mockResolveMutation(recorded: Recorded): nock.Scope {
  return nock(API)
    .post('/graphql', (body) => typeof body.query === 'string' && body.query.trimStart().startsWith('mutation'))
    .reply(200, (_uri, body: any) => {
      recorded.mutations.push(body);
      const data = Object.fromEntries(Object.entries(body.variables).map(([name, id]) => [`r${name.slice(1)}`, { thread: { id, isResolved: true } }]));
      return { data };
    });
}

export function mockBlob(recorded: Recorded, sha: string, text: string): nock.Scope {
  return nock(API)
    .get(`${REPO_PATH}/git/blobs/${sha}`)
    .reply(200, () => {
      recorded.blobs.push(sha);
      return { sha, encoding: 'base64', content: Buffer.from(text).toString('base64'), size: Buffer.byteLength(text) };
    });
}

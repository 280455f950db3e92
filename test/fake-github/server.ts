// A local fake of GitHub's REST (/api/v3) and GraphQL (/api/graphql) APIs, laid out like GitHub Enterprise
// Server so that a real Probot server reaches it with GHE_HOST=<host> GHE_PROTOCOL=http. It validates writes
// as GitHub does, can add latency and faults, and logs every request.
//
//   const github = await startFakeGitHub({ latencyMs: 100, appId: 1, appPublicKey });
//   const pull = github.addPullRequest({ changes: { 'app.py': 'import time\n...' } });
//   ... deliver a webhook to the App ...
//   github.state.reviews, github.state.checkRuns, github.requests
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeOperation, executeGraphQL } from './graphql.js';
import { HttpError, notFound } from './http-error.js';
import {
  DEFAULT_OWNER,
  DEFAULT_REPO,
  Model,
  type Commit,
  type FakeGitHubState,
  type FileContent,
  type PullRequest,
  type PullRequestOptions,
  type Repository,
  type RepositoryOptions,
} from './model.js';
import type { RequestLogEntry } from './request-log.js';
import { createRestRoutes, type RestResponse } from './rest.js';

export { BLOB_TEXT_LIMIT_BYTES } from './graphql.js';
export type * from './model.js';
export { isWrite, sequentialRoundTrips, type RequestLogEntry } from './request-log.js';
export { MAX_LISTED_PULL_FILES } from './rest.js';
export { MAX_ANNOTATIONS_PER_REQUEST, MAX_OUTPUT_CHARS, MAX_TITLE_CHARS } from './validation.js';

export interface FakeGitHubOptions {
  /** Delay before answering each request (simulates GitHub's round trip). Default 0. */
  latencyMs?: number;
  appId?: number;
  appSlug?: string;
  /** When given, the App's JWTs must be signed with the matching private key (RS256) and name appId. */
  appPublicKey?: string | KeyObject;
}

export interface Fault {
  method?: string;
  /** Matches the documented path (below /api/v3, or "/graphql"): exact string or RegExp. */
  route: string | RegExp;
  status: number;
  body?: unknown;
  /** How many matching requests fail; default 1. */
  times?: number;
  /** For "/graphql": only the operation of this name fails (e.g. the App's "RepositoryContext" reads). */
  operationName?: string;
  /** Apply the request first, then answer with the fault (GitHub's 502 after a write went through). */
  afterApply?: boolean;
  /** Headers of the faulty answer, e.g. { 'retry-after': '1' } for a secondary rate limit. */
  headers?: Record<string, string>;
}

export interface PushOptions {
  owner?: string;
  repo?: string;
  renames?: Record<string, string>;
  patches?: Record<string, string | null>;
}

export interface FakeGitHub {
  /** http://127.0.0.1:PORT */
  url: string;
  /** 127.0.0.1:PORT — the value for GHE_HOST. */
  host: string;
  port: number;
  /** The REST base URL Octokit uses: url + /api/v3. */
  apiUrl: string;
  state: FakeGitHubState;
  requests: RequestLogEntry[];
  latencyMs: number;
  /** Requests received and not yet answered. */
  readonly inFlight: number;
  addRepository(options?: RepositoryOptions): Repository;
  addPullRequest(options: PullRequestOptions): PullRequest;
  /** A new commit on the PR's branch; the PR's files, head and review threads follow. */
  pushToPullRequest(number: number, changes: Record<string, FileContent | null>, options?: PushOptions): PullRequest;
  /** A commit on the default branch (e.g. the config file). */
  commitToDefaultBranch(changes: Record<string, FileContent | null>, options?: { owner?: string; repo?: string }): Commit;
  injectFault(fault: Fault): void;
  /** Ends the injected faults (all, or those on routes `route` matches). */
  clearFaults(route?: string | RegExp): void;
  close(): Promise<void>;
}

export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const model = new Model({ id: options.appId ?? 1, slug: options.appSlug ?? 'async-review' });
  const key = options.appPublicKey;
  const publicKey = key === undefined ? undefined : typeof key !== 'string' && key.type === 'public' ? key : createPublicKey(key);
  const requests: RequestLogEntry[] = [];
  const faults: Array<Fault & { remaining: number }> = [];
  let inFlight = 0;
  let url = '';
  const routes = createRestRoutes(model, () => `${url}/api/v3`, () => url);

  const server = createServer((request, response) => {
    inFlight++;
    handle(request, response).finally(() => inFlight--);
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const startedAt = performance.timeOrigin + performance.now();
    const parsed = new URL(request.url ?? '/', 'http://fake');
    const method = request.method ?? 'GET';
    const raw = await readBody(request);
    let body: unknown;
    let answer: RestResponse;
    let graphql: RequestLogEntry['graphql'];
    const route = parsed.pathname === '/api/graphql' ? '/graphql' : parsed.pathname.replace(/^\/api\/v3(?=\/)/, '');
    try {
      body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      body = undefined;
    }
    if (route === '/graphql') graphql = describeOperation(body);
    if (fake.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, fake.latencyMs));
    try {
      if (raw.length && body === undefined) throw new HttpError(400, 'Problems parsing JSON');
      const fault = injectedFault(method, route, graphql?.name);
      if (fault?.afterApply) await dispatch(method, route, parsed.pathname, parsed.searchParams, body, request);
      answer = fault?.answer ?? (await dispatch(method, route, parsed.pathname, parsed.searchParams, body, request));
    } catch (error) {
      if (!(error instanceof HttpError)) console.error('fake GitHub: handler failed', error);
      const httpError = error instanceof HttpError ? error : new HttpError(500, String(error));
      answer = { status: httpError.status, body: httpError.toJSON() };
    }
    const headers: Record<string, string> = {
      'x-github-request-id': `FAKE:${requests.length}`,
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-used': '1',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      ...answer.headers,
    };
    if (answer.raw !== undefined) response.writeHead(answer.status, { ...headers, 'content-type': 'text/plain; charset=utf-8' }).end(answer.raw);
    else if (answer.body === undefined) response.writeHead(answer.status, headers).end();
    else response.writeHead(answer.status, { ...headers, 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer.body));
    requests.push({
      method,
      path: parsed.pathname,
      route,
      query: parsed.search,
      status: answer.status,
      startedAt,
      finishedAt: performance.timeOrigin + performance.now(),
      ...(graphql && { graphql }),
      ...(method !== 'GET' && body !== undefined && { body }),
    });
  }

  function injectedFault(method: string, route: string, operationName: string | undefined): { answer: RestResponse; afterApply: boolean } | undefined {
    const fault = faults.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.method === undefined || candidate.method === method) &&
        (candidate.operationName === undefined || candidate.operationName === operationName) &&
        (typeof candidate.route === 'string' ? candidate.route === route : candidate.route.test(route)),
    );
    if (!fault) return undefined;
    fault.remaining--;
    const answer = { status: fault.status, body: fault.body ?? new HttpError(fault.status, `Injected fault ${fault.status}`).toJSON(), headers: fault.headers };
    return { answer, afterApply: fault.afterApply === true };
  }

  async function dispatch(
    method: string,
    route: string,
    pathname: string,
    query: URLSearchParams,
    body: unknown,
    request: IncomingMessage,
  ): Promise<RestResponse> {
    const authorization = request.headers.authorization ?? '';
    if (route === '/graphql') {
      if (method !== 'POST') throw notFound();
      const installationId = installationFor(authorization);
      return { status: 200, body: await executeGraphQL(body, { state: model.state, installationId, webUrl: url }) };
    }
    if (!pathname.startsWith('/api/v3/')) throw notFound();
    for (const candidate of routes) {
      const match = candidate.method === method && candidate.pattern.exec(route);
      if (!match) continue;
      const installationId = candidate.auth === 'app' ? (verifyAppJwt(authorization), 0) : installationFor(authorization);
      return candidate.handler({
        method,
        path: route,
        query,
        body,
        params: { ...match.groups },
        accept: String(request.headers.accept ?? ''),
        installationId,
      });
    }
    throw notFound();
  }

  function installationFor(authorization: string): number {
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization)?.[1];
    const installationId = token === undefined ? undefined : model.installationForToken(token);
    if (installationId === undefined) throw new HttpError(401, 'Bad credentials');
    return installationId;
  }

  function verifyAppJwt(authorization: string): void {
    const jwt = /^bearer\s+(\S+)$/i.exec(authorization)?.[1];
    const parts = jwt?.split('.');
    if (!parts || parts.length !== 3) throw new HttpError(401, 'A JSON web token could not be decoded');
    let claims: { iss?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    } catch {
      throw new HttpError(401, 'A JSON web token could not be decoded');
    }
    if (String(claims.iss) !== String(model.state.app.id)) throw new HttpError(401, "'Issuer' claim ('iss') must be the App's ID");
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) throw new HttpError(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time");
    if (publicKey && !verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2]!, 'base64url'))) {
      throw new HttpError(401, 'A JSON web token could not be decoded');
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  url = `http://127.0.0.1:${port}`;
  const pullOf = (number: number, owner = DEFAULT_OWNER, repo = DEFAULT_REPO): [Repository, PullRequest] => {
    const repository = model.repository(owner, repo);
    const pull = repository?.pulls.get(number);
    if (!repository || !pull) throw new Error(`no pull request #${number} in ${owner}/${repo}`);
    return [repository, pull];
  };

  const fake: FakeGitHub = {
    url,
    host: `127.0.0.1:${port}`,
    port,
    apiUrl: `${url}/api/v3`,
    state: model.state,
    requests,
    latencyMs: options.latencyMs ?? 0,
    get inFlight() {
      return inFlight;
    },
    addRepository: (repositoryOptions) => model.addRepository(repositoryOptions),
    addPullRequest: (pullOptions) => model.addPullRequest(pullOptions),
    pushToPullRequest(number, changes, pushOptions = {}) {
      const [repository, pull] = pullOf(number, pushOptions.owner, pushOptions.repo);
      model.push(repository, pull, changes, pushOptions.renames, pushOptions.patches);
      return pull;
    },
    commitToDefaultBranch(changes, where = {}) {
      const repository = model.addRepository({ owner: where.owner, name: where.repo });
      return model.commitToBranch(repository, repository.defaultBranch, changes, 'Update default branch');
    },
    injectFault: (fault) => faults.push({ ...fault, remaining: fault.times ?? 1 }),
    clearFaults(route) {
      for (const fault of faults) {
        if (route === undefined || String(fault.route) === String(route)) fault.remaining = 0;
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
  return fake;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// How the App's GitHub client survives GitHub's faults, for one review at a time (both queue modes):
// - a transient failure (5xx, a network error, GraphQL's "Something went wrong") of a request that is safe to
//   repeat is retried with exponential backoff and jitter;
// - a rate limit (403/429 with Retry-After, or x-ratelimit-remaining: 0, or a "secondary rate limit"
//   message) is retried after the time GitHub names: GitHub refused it, so even a write is safe to repeat;
// - the installation token request is one of those: when it fails, the request it was for was never sent;
// - a write that may have been applied (a POST answered 5xx, or a connection lost after sending) is never
//   repeated here: it throws AmbiguousWriteError, and the caller reads back whether it went through;
// - no retry starts past the review's deadline: then the last error is thrown as GitHubUnavailableError.
// Octokit's own retry plugin would repeat every write blindly, and Probot's throttling gives up on secondary
// rate limits and waits out primary ones without a bound; both are turned off for this client.
import type { GitHubClient } from './client.js';

export interface RequestBudget {
  /** Epoch milliseconds after which no retry starts (a request already sent still runs to its end). */
  deadline: number;
  /** Aborts waits between retries (shutdown). */
  signal?: AbortSignal;
  /** First backoff delay; doubles per attempt up to 16×. Default 1 s. */
  baseDelayMs?: number;
  /** Reports each retry (logs, metrics). */
  onRetry?: (info: { method: string; url: string; status: number | 'network'; waitMs: number; attempt: number }) => void;
  /** Reports each failed answer (metrics: GitHub API errors by status). */
  onFailure?: (info: { method: string; url: string; status: number | 'network' }) => void;
}

/** A write whose outcome is unknown: read back whether GitHub applied it before writing again. */
export class AmbiguousWriteError extends Error {
  override name = 'AmbiguousWriteError';
  constructor(readonly request: string, options: { cause: unknown }) {
    super(`${request}: the answer was lost, so GitHub may or may not have applied it (${messageOf(options.cause)})`, options);
  }
}

/** GitHub kept failing (or asked to wait) past the review's deadline: worth trying again later. */
export class GitHubUnavailableError extends Error {
  override name = 'GitHubUnavailableError';
  readonly status: number | undefined;
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.status = statusOf(options.cause);
  }
}

export type Verdict =
  | { action: 'retry'; waitMs: number; status: number | 'network' }
  | { action: 'ambiguous'; status: number | 'network' }
  | { action: 'fail'; status: number | 'network' };

interface RequestOptionsLike {
  method?: string;
  url?: string;
  baseUrl?: string;
  query?: unknown;
  request?: { idempotent?: boolean; retries?: number; retryCount?: number };
  [key: string]: unknown;
}

const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);
/** Connection failures where the request never left: safe to send again. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
/** GitHub's advice for a secondary rate limit without Retry-After: wait at least a minute. */
const SECONDARY_LIMIT_WAIT_MS = 60_000;
const TOKEN_REQUEST = /\/app\/installations\/[^/]+\/access_tokens$/;

/** What to do about a failed request, given its options and how many attempts it had. */
export function classifyFailure(error: unknown, options: RequestOptionsLike, attempt: number, baseDelayMs = 1_000, now = Date.now()): Verdict {
  const failure = error as { status?: number; response?: { headers?: Record<string, string | undefined>; data?: unknown }; request?: { url?: string }; message?: string; cause?: unknown };
  const hasResponse = failure?.response !== undefined;
  const status: number | 'network' = hasResponse && typeof failure.status === 'number' ? failure.status : 'network';
  const headers = failure?.response?.headers ?? {};
  // The token request failed: the request it was for never left, whatever its method.
  const tokenFailed = TOKEN_REQUEST.test(new URL(failure?.request?.url ?? 'x:', 'http://x').pathname) && !TOKEN_REQUEST.test(pathOf(options));

  if ((status === 403 || status === 429) && isRateLimited(failure?.message ?? '', headers)) {
    return { action: 'retry', waitMs: rateLimitWait(headers, now), status };
  }
  // GraphQL's rate limit comes as a 200 whose errors say RATE_LIMITED (the throttling plugin throws it).
  const graphqlErrors = (failure?.response?.data as { errors?: { type?: string }[] } | undefined)?.errors;
  if (Array.isArray(graphqlErrors) && graphqlErrors.some((entry) => entry?.type === 'RATE_LIMITED')) {
    return { action: 'retry', waitMs: rateLimitWait({ ...headers, 'x-ratelimit-remaining': '0' }, now), status: 429 };
  }
  const transient = status === 'network' || TRANSIENT_STATUSES.has(status) || /Something went wrong while executing your query/.test(failure?.message ?? '');
  if (!transient) return { action: 'fail', status };
  const backoff = Math.min(baseDelayMs * 2 ** (attempt - 1), baseDelayMs * 16) * (0.75 + Math.random() * 0.5);
  if (tokenFailed || isIdempotent(options) || (status === 'network' && notSent(failure?.cause))) {
    return { action: 'retry', waitMs: Math.round(backoff), status };
  }
  return { action: 'ambiguous', status };
}

/** Is repeating this request harmless? Reads, PUT/DELETE, GraphQL queries, and PATCHes that carry no
 *  check run annotations (GitHub appends those). `request: { idempotent }` in a call's options decides. */
export function isIdempotent(options: RequestOptionsLike): boolean {
  const declared = options.request?.idempotent;
  if (typeof declared === 'boolean') return declared;
  const method = (options.method ?? 'GET').toUpperCase();
  if (['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'].includes(method)) return true;
  if (method === 'POST' && pathOf(options) === '/graphql') return !/^\s*mutation\b/.test(String(options.query ?? ''));
  if (method === 'PATCH') {
    const output = options.output as { annotations?: unknown[] } | undefined;
    return !(Array.isArray(output?.annotations) && output.annotations.length > 0);
  }
  return false;
}

/**
 * Installs the policy on a client (once): every request it makes, including the token request behind
 * it, retries as said above within `budget`, which the caller may move (a grace period to complete the check).
 */
export function withResilience(octokit: GitHubClient, budget: RequestBudget): GitHubClient {
  octokit.hook.wrap('request', async (request, options) => {
    const requestOptions = options as unknown as RequestOptionsLike;
    // Octokit's retry plugin (still installed in Probot's client) must not repeat anything itself.
    requestOptions.request = { ...requestOptions.request, retries: 0 };
    const label = `${requestOptions.method} ${pathOf(requestOptions)}`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const verdict = classifyFailure(error, requestOptions, attempt, budget.baseDelayMs ?? retryBaseDelayMs());
        budget.onFailure?.({ method: String(requestOptions.method), url: pathOf(requestOptions), status: verdict.status });
        if (verdict.action === 'fail') throw error;
        if (verdict.action === 'ambiguous') throw new AmbiguousWriteError(label, { cause: error });
        if (Date.now() + verdict.waitMs > budget.deadline) {
          throw new GitHubUnavailableError(
            `${label} failed ${attempt} time(s) (last: ${messageOf(error)}); the next try, in ${Math.ceil(verdict.waitMs / 1000)} s, would pass the review's deadline`,
            { cause: error },
          );
        }
        budget.onRetry?.({ method: String(requestOptions.method), url: pathOf(requestOptions), status: verdict.status, waitMs: verdict.waitMs, attempt });
        await sleep(verdict.waitMs, budget.signal);
      }
    }
  });
  return octokit;
}

/** GITHUB_RETRY_BASE_MS: the first backoff delay (default 1 s), doubled per attempt up to 16×. */
export function retryBaseDelayMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.GITHUB_RETRY_BASE_MS);
  return Number.isFinite(ms) && ms >= 0 && env.GITHUB_RETRY_BASE_MS !== undefined && env.GITHUB_RETRY_BASE_MS !== '' ? ms : 1_000;
}

function isRateLimited(message: string, headers: Record<string, string | undefined>): boolean {
  return headers['retry-after'] !== undefined || headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(message);
}

function rateLimitWait(headers: Record<string, string | undefined>, now: number): number {
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) return Math.max(0, retryAfter * 1000);
  const reset = Number(headers['x-ratelimit-reset']);
  if (headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset)) return Math.max(0, reset * 1000 - now) + 1000;
  return SECONDARY_LIMIT_WAIT_MS;
}

function notSent(cause: unknown): boolean {
  for (let current = cause as { code?: unknown; cause?: unknown } | undefined, depth = 0; current && depth < 4; current = current.cause as typeof current, depth++) {
    if (typeof current.code === 'string' && NOT_SENT_CODES.has(current.code)) return true;
  }
  return false;
}

function pathOf(options: RequestOptionsLike): string {
  const url = String(options.url ?? '');
  return url.startsWith('http') ? new URL(url).pathname.replace(/^\/api\/v3(?=\/)/, '') : url;
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function messageOf(error: unknown): string {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return status === undefined ? message : `HTTP ${status}: ${message}`;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

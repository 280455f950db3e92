// The GitHub client the App's flow uses: Probot's authenticated Octokit for one installation.
import type { ProbotOctokit } from 'probot';

export type GitHubClient = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

/** The message of a failed Octokit request, with its HTTP status when there is one. */
export function describeError(error: unknown): string {
  const status = (error as { status?: unknown } | null)?.status;
  const message = error instanceof Error ? error.message : String(error);
  return typeof status === 'number' ? `HTTP ${status}: ${message}` : message;
}

/**
 * What the log may say about a failed request: its kind, message, status, method and route, and the same of
 * its cause. Not the error itself: Octokit's errors carry the request's body (a review's comments quote the
 * pull request's code) and headers.
 */
export function loggableError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const { status, request } = error as { status?: unknown; request?: { method?: unknown; url?: unknown } };
  const url = typeof request?.url === 'string' ? request.url.split('?')[0] : undefined;
  return {
    type: error.name,
    message: error.message,
    ...(typeof status === 'number' && { status }),
    ...(request && { request: `${String(request.method)} ${url}` }),
    ...(error.stack && { stack: error.stack }),
    ...(error.cause !== undefined && depth < 3 && { cause: loggableError(error.cause, depth + 1) }),
  };
}

// A GraphQL client for read-only queries (the repository-context reads), outside Probot's throttling.
// Probot's throttle counts every GraphQL POST as a write and starts writes ≥ 1 s apart, so a read after the
// snapshot query would push the review back by a whole second. GitHub asks for that spacing between
// *mutative* requests only; these are queries, one or two per review, with the installation's own token.
import { Octokit } from '@octokit/rest';
import type { GitHubClient } from './client.js';
import type { Graphql } from './module-source.js';

/** The same installation, base URL and fetch as `octokit`, without its throttle and retries. Falls back to
 *  `octokit.graphql` itself when its token cannot be had. */
export async function readOnlyGraphql(octokit: GitHubClient): Promise<Graphql> {
  let token: unknown;
  try {
    token = ((await octokit.auth({ type: 'installation' })) as { token?: unknown } | undefined)?.token;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string') return octokit.graphql as Graphql;
  const defaults = octokit.request.endpoint.DEFAULTS;
  const client = new Octokit({
    auth: token,
    baseUrl: defaults.baseUrl,
    userAgent: defaults.headers['user-agent'],
    ...(defaults.request?.fetch && { request: { fetch: defaults.request.fetch } }),
  });
  return client.graphql as Graphql;
}

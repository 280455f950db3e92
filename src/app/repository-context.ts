// The App side of repository context: each review reads the head commit's tree beside its snapshot query
// and hands the analyzer a ProjectContext whose modules come from that commit (src/github/module-source.ts)
// and whose summaries are cached by blob SHA across pushes (summary-cache.ts). Context is best-effort: a
// truncated tree or a failed request leaves the review without it, never without a review.
import type { ProjectContext } from '../analyzer/project/module-source.js';
import { describeError, type GitHubClient, type RepoRef } from '../github/client.js';
import { fetchHeadTree } from '../github/head-tree.js';
import { GitHubModuleSource, type ContextLimits } from '../github/module-source.js';
import { readOnlyGraphql } from '../github/readonly-graphql.js';
import { appSummaryCache, type AppSummaryCache } from './summary-cache.js';
import type { Log } from './review-pull-request.js';

/** `REPOSITORY_CONTEXT=off` reviews each changed file on its own (no tree, no module reads). */
export function repositoryContextEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !/^(off|false|0|no)$/i.test(env.REPOSITORY_CONTEXT?.trim() ?? '');
}

export interface RepositoryContextRequest extends RepoRef {
  octokit: GitHubClient;
  headSha: string;
  log: Log;
  cache?: AppSummaryCache;
  limits?: Partial<ContextLimits>;
}

export interface RepositoryContext {
  context: ProjectContext;
  source: GitHubModuleSource;
}

/** Starts reading the head tree now; resolves to the review's context, or undefined without one. */
export function startRepositoryContext(request: RepositoryContextRequest): Promise<RepositoryContext | undefined> {
  const { octokit, log, headSha } = request;
  const ref: RepoRef = { owner: request.owner, repo: request.repo };
  const cache = request.cache ?? appSummaryCache();
  return fetchHeadTree(octokit, ref, headSha).then(
    (tree) => {
      let graphql: ReturnType<typeof readOnlyGraphql> | undefined;
      const source = new GitHubModuleSource({
        ...ref,
        headSha,
        tree,
        graphql: () => (graphql ??= readOnlyGraphql(octokit)),
        isCached: (contentId) => cache.has(contentId),
        limits: request.limits,
        onError: (error) => log.warn({ err: error }, `repository context: reading imported modules failed, they stay unknown: ${describeError(error)}`),
      });
      return { context: { source, cache }, source };
    },
    (error: unknown) => {
      log.warn({ err: error }, `repository context unavailable, reviewing the changed files alone: ${describeError(error)}`);
      return undefined;
    },
  );
}

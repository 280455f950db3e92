// The client one review uses: Probot's installation Octokit, built the way Probot builds it, except that
// the retrying is ours (resilience.ts): Octokit's retry plugin is off (it repeats writes blindly), and
// Probot's throttling still spaces writes ≥ 1 s apart but hands rate limits to us instead of giving up on
// secondary ones and waiting out primary ones without a bound.
import type { Probot } from 'probot';
import type { GitHubClient } from './client.js';
import { withResilience, type RequestBudget } from './resilience.js';

type Factory = (options: { octokit: GitHubClient; octokitOptions: Record<string, any>; [key: string]: unknown }) => GitHubClient;

export interface ClientOptions {
  /** Keep Probot's write spacing (default). Off for the few writes of a shutdown, which cannot wait. */
  throttle?: boolean;
}

export async function installationClient(
  app: Probot,
  installationId: number,
  budget: RequestBudget,
  log?: unknown,
  options: ClientOptions = {},
): Promise<GitHubClient> {
  const appOctokit = await app.auth();
  const factory: Factory = ({ octokit, octokitOptions, ...otherOptions }) => {
    const Octokit = octokit.constructor as new (options: Record<string, unknown>) => GitHubClient;
    const throttle = octokitOptions.throttle;
    return new Octokit({
      ...octokitOptions,
      ...(log !== undefined && { log }),
      retry: { enabled: false },
      throttle:
        throttle?.enabled === false || options.throttle === false
          ? { enabled: false }
          : { ...throttle, id: String(installationId), onRateLimit: () => false, onSecondaryRateLimit: () => false },
      auth: { ...octokitOptions.auth, otherOptions, installationId },
    });
  };
  const octokit = (await (appOctokit.auth as (options: unknown) => Promise<GitHubClient>)({ type: 'installation', installationId, factory })) as GitHubClient;
  return withResilience(octokit, budget);
}

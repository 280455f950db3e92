// Real webhook payloads (from @octokit/webhooks-examples) retargeted at the fake's repository and pull
// request, signed like GitHub signs them, and delivered over HTTP.
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { FakeGitHubState, PullRequest, Repository } from './model.js';

interface WebhookExample {
  name: string;
  examples: Array<Record<string, unknown> & { action?: string; installation?: unknown; repository?: { full_name: string } }>;
}

const examples = createRequire(import.meta.url)('@octokit/webhooks-examples') as WebhookExample[];

export type PullRequestAction = 'opened' | 'synchronize' | 'reopened' | 'ready_for_review' | 'closed';

/** A deep copy of GitHub's example for `event.action` (one sent to an App installation), with every
 *  mention of the example repository replaced by `repo`. */
function example(event: string, action: string, repo: Repository): Record<string, any> {
  const candidates = examples.find((entry) => entry.name === event)?.examples ?? [];
  const found = candidates.find((candidate) => candidate.action === action && candidate.installation) ?? candidates.find((candidate) => candidate.action === action);
  if (!found) throw new Error(`@octokit/webhooks-examples has no ${event}.${action}`);
  const exampleRepo = found.repository!.full_name;
  const retargeted = JSON.stringify(found).split(exampleRepo).join(repo.fullName);
  const payload = JSON.parse(retargeted) as Record<string, any>;
  Object.assign(payload.repository, {
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: repo.fullName,
    default_branch: repo.defaultBranch,
    private: false,
  });
  Object.assign(payload.repository.owner, { login: repo.owner });
  payload.installation = { id: repo.installationId, node_id: `INSTALLATION_${repo.installationId}` };
  return payload;
}

function repositoryStub(repo: Repository) {
  return { id: repo.id, name: repo.name, url: `https://api.github.com/repos/${repo.fullName}` };
}

export function pullRequestEvent(repo: Repository, pull: PullRequest, action: PullRequestAction = 'opened'): Record<string, any> {
  const payload = example('pull_request', action === 'closed' ? 'closed' : action, repo);
  payload.number = pull.number;
  Object.assign(payload.pull_request, {
    id: pull.id,
    node_id: pull.nodeId,
    number: pull.number,
    title: pull.title,
    state: pull.state,
    draft: pull.draft,
    changed_files: pull.files.length,
  });
  Object.assign(payload.pull_request.head, { ref: pull.headRef, sha: pull.headSha, label: `${repo.owner}:${pull.headRef}` });
  Object.assign(payload.pull_request.base, { ref: pull.baseRef, sha: pull.baseSha, label: `${repo.owner}:${pull.baseRef}` });
  for (const side of [payload.pull_request.head, payload.pull_request.base]) {
    Object.assign(side.repo, { id: repo.id, node_id: repo.nodeId, name: repo.name, full_name: repo.fullName, default_branch: repo.defaultBranch });
    Object.assign(side.repo.owner, { login: repo.owner });
  }
  if (action === 'synchronize') {
    payload.before = pull.headHistory.at(-2) ?? pull.baseSha;
    payload.after = pull.headSha;
  }
  return payload;
}

function pullRequestStub(repo: Repository, pull: PullRequest) {
  return {
    url: `https://api.github.com/repos/${repo.fullName}/pulls/${pull.number}`,
    id: pull.id,
    number: pull.number,
    head: { ref: pull.headRef, sha: pull.headSha, repo: repositoryStub(repo) },
    base: { ref: pull.baseRef, sha: pull.baseSha, repo: repositoryStub(repo) },
  };
}

/** "Re-run" on a check run the App created (the check run must exist in the fake's state). */
export function checkRunRerequestedEvent(state: FakeGitHubState, repo: Repository, checkRunId: number): Record<string, any> {
  const run = state.checkRuns.find((candidate) => candidate.id === checkRunId);
  if (!run) throw new Error(`no check run ${checkRunId}`);
  const payload = example('check_run', 'rerequested', repo);
  const pulls = [...repo.pulls.values()].filter((pull) => pull.headSha === run.head_sha);
  Object.assign(payload.check_run, {
    id: run.id,
    node_id: run.node_id,
    name: run.name,
    head_sha: run.head_sha,
    status: run.status,
    conclusion: run.conclusion,
    pull_requests: pulls.map((pull) => pullRequestStub(repo, pull)),
  });
  Object.assign(payload.check_run.app, { id: state.app.id, slug: state.app.slug });
  Object.assign(payload.check_run.check_suite, { head_sha: run.head_sha, pull_requests: pulls.map((pull) => pullRequestStub(repo, pull)) });
  return payload;
}

/** "Re-run all checks" for the pull request's head commit. */
export function checkSuiteRerequestedEvent(state: FakeGitHubState, repo: Repository, pull: PullRequest): Record<string, any> {
  const payload = example('check_suite', 'rerequested', repo);
  Object.assign(payload.check_suite, {
    head_sha: pull.headSha,
    head_branch: pull.headRef,
    after: pull.headSha,
    pull_requests: [pullRequestStub(repo, pull)],
  });
  Object.assign(payload.check_suite.app, { id: state.app.id, slug: state.app.slug });
  return payload;
}

/** The X-Hub-Signature-256 header GitHub sends: HMAC-SHA256 of the exact body bytes. */
export function signWebhook(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface Delivery {
  event: string;
  payload: unknown;
  secret: string;
  /** Re-use an id to simulate GitHub's redelivery of the same event. */
  deliveryId?: string;
  /** Override the signature (e.g. a forged one). */
  signature?: string;
}

export interface DeliveryResult {
  status: number;
  body: string;
  deliveryId: string;
  /** Milliseconds until the App answered. */
  elapsedMs: number;
  /** Epoch milliseconds when the request was sent. */
  sentAt: number;
}

/** POSTs a webhook the way GitHub does (headers, signature, JSON body). */
export async function deliverWebhook(webhookUrl: string, delivery: Delivery): Promise<DeliveryResult> {
  const body = JSON.stringify(delivery.payload);
  const deliveryId = delivery.deliveryId ?? randomUUID();
  const sentAt = performance.timeOrigin + performance.now();
  const response = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/fake',
      'x-github-event': delivery.event,
      'x-github-delivery': deliveryId,
      'x-github-hook-id': '1',
      'x-github-hook-installation-target-type': 'integration',
      'x-hub-signature-256': delivery.signature ?? signWebhook(body, delivery.secret),
    },
    body,
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  return { status: response.status, body: text, deliveryId, elapsedMs: performance.timeOrigin + performance.now() - sentAt, sentAt };
}

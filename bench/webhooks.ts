// Signed webhook deliveries to the real server, with payloads built from @octokit/webhooks-examples and
// pointed at a pull request of the local fake GitHub.
import { createHmac, randomUUID } from "node:crypto";
import { request } from "node:http";
import { createRequire } from "node:module";
import type { PullRequest, Repository } from "../test/fake-github/server.js";

interface WebhookExample { name: string; examples: Array<Record<string, unknown> & { action?: string }> }
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookExample[];

function example(event: string, action: string): Record<string, unknown> {
  const found = examples.find((e) => e.name === event)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no ${event}.${action} example in @octokit/webhooks-examples`);
  return structuredClone(found);
}

/** A `pull_request` event (opened by default) for `pull` in `repo` of the fake GitHub at `githubUrl`. */
export function pullRequestPayload(githubUrl: string, repo: Repository, pull: PullRequest, action = "opened"): Record<string, unknown> {
  const payload = example("pull_request", "opened");
  const base = payload.repository as Record<string, unknown>;
  const repository = {
    ...base,
    id: repo.id,
    node_id: repo.nodeId,
    name: repo.name,
    full_name: repo.fullName,
    default_branch: repo.defaultBranch,
    owner: { ...(base.owner as object), login: repo.owner },
    url: `${githubUrl}/api/v3/repos/${repo.fullName}`,
  };
  const pr = payload.pull_request as Record<string, unknown>;
  return {
    ...payload,
    action,
    number: pull.number,
    repository,
    installation: { id: repo.installationId, node_id: `MDIz${repo.installationId}` },
    pull_request: {
      ...pr,
      id: pull.id,
      node_id: pull.nodeId,
      number: pull.number,
      title: pull.title,
      state: pull.state,
      draft: pull.draft,
      changed_files: pull.files.length,
      head: { ...(pr.head as object), ref: pull.headRef, sha: pull.headSha, label: `${repo.owner}:${pull.headRef}`, repo: repository },
      base: { ...(pr.base as object), ref: pull.baseRef, sha: pull.baseSha, label: `${repo.owner}:${pull.baseRef}`, repo: repository },
    },
  };
}

export interface DeliveryResult { status: number; ms: number }

/** POSTs one delivery signed like GitHub (X-Hub-Signature-256) on a fresh connection; resolves on the answer. */
export function deliverWebhook(url: string, secret: string, event: string, payload: unknown, timeoutMs = 30_000): Promise<DeliveryResult> {
  const body = Buffer.from(JSON.stringify(payload));
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      agent: false,
      timeout: timeoutMs,
      headers: {
        "content-type": "application/json",
        "content-length": body.length,
        "user-agent": "GitHub-Hookshot/bench",
        "x-github-event": event,
        "x-github-delivery": randomUUID(),
        "x-github-hook-id": "1",
        "x-hub-signature-256": signature,
      },
    }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

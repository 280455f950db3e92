// Everything the review needs from GitHub beyond the file list, in as few GraphQL round trips as possible
// (each GraphQL POST waits ≥ 1 s behind the previous write under Probot's throttling): the changed files at
// the head commit, the config at the default branch, pytest's config at the head, and the App's threads.
import { CONFIG_PATH } from '../config/index.js';
import { PYTEST_CONFIG_FILES } from '../config/pytest.js';
import { TARGET_PYTHON_FILES } from '../config/target-python.js';
import { extractFingerprint } from '../render/fingerprint.js';
import type { AppThread } from '../render/review.js';
import type { GitHubClient, RepoRef } from './client.js';

export interface BlobContent {
  /** Null for binary blobs, and for text GraphQL truncated. */
  text: string | null;
  isTruncated: boolean;
  isBinary: boolean;
  byteSize: number;
}

export interface PullRequestSnapshot {
  /** The config file on the default branch; null when there is none. */
  configText: string | null;
  /** pyproject.toml on the default branch (its `[tool.async-review]` table may hold the config); null when absent. */
  configPyprojectText: string | null;
  /** pytest's configuration files at the head commit, in PYTEST_CONFIG_FILES order; null when absent. */
  pytestConfigTexts: (string | null)[];
  /** The files that declare the project's Pythons at the head commit, in TARGET_PYTHON_FILES order. */
  targetPythonTexts: (string | null)[];
  /** Each requested path at the head commit; null when it does not exist there. */
  files: Map<string, BlobContent | null>;
  /** The pull request's head commit as GitHub says it now (null when not told): a review of another commit is
   *  stale. */
  currentHeadSha: string | null;
  /** Review threads the App started (their first comment carries a fingerprint). */
  threads: AppThread[];
}

export interface SnapshotRequest extends RepoRef {
  pullNumber: number;
  headSha: string;
  paths: readonly string[];
}

/** Files per query: keeps each response well under GitHub's GraphQL size and time limits. */
export const FILES_PER_QUERY = 200;
const THREADS_PER_PAGE = 100;

const BLOB_FIELDS = '... on Blob { text isTruncated isBinary byteSize }';
const THREAD_FIELDS = `pageInfo { hasNextPage endCursor }
        nodes { id isResolved path comments(first: 1) { nodes { body author { __typename login } } } }`;

export async function fetchSnapshot(octokit: GitHubClient, request: SnapshotRequest): Promise<PullRequestSnapshot> {
  const chunks: string[][] = [];
  for (let index = 0; index < request.paths.length; index += FILES_PER_QUERY) {
    chunks.push(request.paths.slice(index, index + FILES_PER_QUERY));
  }
  if (chunks.length === 0) chunks.push([]);
  const [first, ...others] = await Promise.all(chunks.map((paths, index) => queryChunk(octokit, request, paths, index === 0)));

  const files = new Map<string, BlobContent | null>();
  for (const chunk of [first, ...others]) for (const [path, blob] of chunk.files) files.set(path, blob);
  const repository = first.repository;
  const threadConnection = (repository.pullRequest as PullRequestNode | null)?.reviewThreads;
  const threadNodes = [...(threadConnection?.nodes ?? [])];
  let pageInfo = threadConnection?.pageInfo;
  while (pageInfo?.hasNextPage) {
    const page = await moreThreads(octokit, request, pageInfo.endCursor);
    threadNodes.push(...page.nodes);
    pageInfo = page.pageInfo;
  }
  return {
    configText: blobText(repository.config),
    configPyprojectText: blobText(repository.configPyproject),
    pytestConfigTexts: PYTEST_CONFIG_FILES.map((_, index) => blobText(repository[`pytest${index}`])),
    targetPythonTexts: TARGET_PYTHON_FILES.map((_, index) => blobText(repository[`target${index}`])),
    files,
    threads: threadNodes.flatMap(toAppThread),
    currentHeadSha: (repository.pullRequest as PullRequestNode | null)?.headRefOid ?? null,
  };
}

interface ThreadNode {
  id: string;
  isResolved: boolean;
  path: string;
  comments: { nodes: { body: string; author: { __typename: string; login: string } | null }[] };
}
interface ThreadConnection {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: ThreadNode[];
}
interface PullRequestNode {
  headRefOid?: string | null;
  reviewThreads: ThreadConnection;
}

async function queryChunk(
  octokit: GitHubClient,
  request: SnapshotRequest,
  paths: readonly string[],
  withContext: boolean,
): Promise<{ repository: Record<string, unknown>; files: Map<string, BlobContent | null> }> {
  const variables: Record<string, string | number> = { owner: request.owner, name: request.repo };
  const declarations = ['$owner: String!', '$name: String!'];
  const fields: string[] = [];
  paths.forEach((path, index) => {
    variables[`f${index}`] = `${request.headSha}:${path}`;
    declarations.push(`$f${index}: String!`);
    fields.push(`f${index}: object(expression: $f${index}) { ${BLOB_FIELDS} }`);
  });
  if (withContext) {
    // HEAD is the default branch: a pull request cannot change the config that reviews it.
    variables.config = `HEAD:${CONFIG_PATH}`;
    declarations.push('$config: String!', '$number: Int!');
    variables.number = request.pullNumber;
    fields.push(`config: object(expression: $config) { ${BLOB_FIELDS} }`);
    variables.configPyproject = 'HEAD:pyproject.toml';
    declarations.push('$configPyproject: String!');
    fields.push(`configPyproject: object(expression: $configPyproject) { ${BLOB_FIELDS} }`);
    PYTEST_CONFIG_FILES.forEach((file, index) => {
      variables[`pytest${index}`] = `${request.headSha}:${file}`;
      declarations.push(`$pytest${index}: String!`);
      fields.push(`pytest${index}: object(expression: $pytest${index}) { ${BLOB_FIELDS} }`);
    });
    TARGET_PYTHON_FILES.forEach((file, index) => {
      variables[`target${index}`] = `${request.headSha}:${file}`;
      declarations.push(`$target${index}: String!`);
      fields.push(`target${index}: object(expression: $target${index}) { ${BLOB_FIELDS} }`);
    });
    fields.push(`pullRequest(number: $number) { headRefOid reviewThreads(first: ${THREADS_PER_PAGE}) { ${THREAD_FIELDS} } }`);
  }
  const query = `query(${declarations.join(', ')}) {
  repository(owner: $owner, name: $name) {
    ${fields.join('\n    ')}
  }
}`;
  const result = await octokit.graphql<{ repository: Record<string, unknown> }>(query, variables);
  const files = new Map<string, BlobContent | null>();
  paths.forEach((path, index) => files.set(path, toBlob(result.repository[`f${index}`])));
  return { repository: result.repository, files };
}

/** Only the App's review threads (when no file needs reading). */
export async function fetchAppThreads(octokit: GitHubClient, request: RepoRef & { pullNumber: number }): Promise<AppThread[]> {
  const nodes: ThreadNode[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await moreThreads(octokit, request, after);
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes.flatMap(toAppThread);
    after = page.pageInfo.endCursor;
  }
}

async function moreThreads(
  octokit: GitHubClient,
  request: RepoRef & { pullNumber: number },
  after: string | null,
): Promise<ThreadConnection> {
  const result = await octokit.graphql<{ repository: { pullRequest: PullRequestNode } }>(
    `query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) { reviewThreads(first: ${THREADS_PER_PAGE}, after: $after) { ${THREAD_FIELDS} } }
  }
}`,
    { owner: request.owner, name: request.repo, number: request.pullNumber, after },
  );
  return result.repository.pullRequest.reviewThreads;
}

function toBlob(node: unknown): BlobContent | null {
  if (node === null || node === undefined || typeof node !== 'object' || !('byteSize' in node)) return null;
  const blob = node as Partial<BlobContent>;
  return {
    text: typeof blob.text === 'string' ? blob.text : null,
    isTruncated: blob.isTruncated === true,
    isBinary: blob.isBinary === true,
    byteSize: typeof blob.byteSize === 'number' ? blob.byteSize : 0,
  };
}

function blobText(node: unknown): string | null {
  const blob = toBlob(node);
  return blob && !blob.isBinary && !blob.isTruncated ? blob.text : null;
}

/** Threads whose first comment is a bot's and carries our fingerprint marker. */
function toAppThread(node: ThreadNode): AppThread[] {
  const first = node.comments.nodes[0];
  if (!first || first.author?.__typename !== 'Bot') return [];
  const fingerprint = extractFingerprint(first.body);
  return fingerprint ? [{ id: node.id, path: node.path, fingerprint, isResolved: node.isResolved }] : [];
}

/** A blob by SHA over REST (base64), for files whose GraphQL text was truncated (about 1 MB and up). */
export async function fetchBlob(octokit: GitHubClient, ref: RepoRef, sha: string): Promise<Uint8Array> {
  const { data } = await octokit.rest.git.getBlob({ ...ref, file_sha: sha });
  return data.encoding === 'base64' ? Buffer.from(data.content, 'base64') : Buffer.from(data.content, 'utf8');
}

// GitHub's GraphQL API over the fake's model. Queries are parsed and validated against GitHub's real public
// schema (@octokit/graphql-schema), so a query GitHub would reject fails here too; only the fields the model
// can answer are resolved (any other field resolves to null or an error, which a test will show).
import { schema as githubSchema } from '@octokit/graphql-schema';
import {
  buildClientSchema,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import {
  gitBlobSha,
  isBinary,
  nodeId,
  type Account,
  type FakeGitHubState,
  type PullRequest,
  type Repository,
  type ReviewComment,
  type ReviewThread,
} from './model.js';

/** GitHub cuts Blob.text at 512,000 bytes and says so with isTruncated. */
export const BLOB_TEXT_LIMIT_BYTES = 512_000;
const MAX_PAGE_SIZE = 100;

let schema: GraphQLSchema | undefined;
function githubGraphQLSchema(): GraphQLSchema {
  schema ??= buildClientSchema(githubSchema.json as IntrospectionQuery);
  return schema;
}

export interface GraphQLRequestContext {
  state: FakeGitHubState;
  installationId: number;
  webUrl: string;
}

export interface GraphQLResponse {
  data?: unknown;
  errors?: Array<Record<string, unknown>>;
}

export interface GraphQLOperationInfo {
  operation: 'query' | 'mutation' | 'subscription' | 'invalid';
  name?: string;
}

export function describeOperation(body: unknown): GraphQLOperationInfo {
  try {
    const query = (body as { query?: unknown })?.query;
    if (typeof query !== 'string') return { operation: 'invalid' };
    const operation = getOperationAST(parse(query));
    if (!operation) return { operation: 'invalid' };
    return { operation: operation.operation, ...(operation.name && { name: operation.name.value }) };
  } catch {
    return { operation: 'invalid' };
  }
}

export async function executeGraphQL(body: unknown, context: GraphQLRequestContext): Promise<GraphQLResponse> {
  const { query, variables, operationName } = (body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return { errors: [{ message: 'A query attribute must be specified and must be a string.' }] };
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { errors: [formatError(error as GraphQLError)] };
  }
  const validationErrors = validate(githubGraphQLSchema(), document);
  if (validationErrors.length > 0) return { errors: validationErrors.map(formatError) };
  const result = await execute({
    schema: githubGraphQLSchema(),
    document,
    rootValue: new Root(context),
    variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
    operationName: typeof operationName === 'string' ? operationName : undefined,
  });
  return { data: result.data, ...(result.errors && { errors: result.errors.map(formatError) }) };
}

/** GitHub puts the error kind at the top level ("type": "NOT_FOUND"). */
function formatError(error: GraphQLError): Record<string, unknown> {
  const json = error.toJSON() as unknown as Record<string, unknown>;
  const type = error.extensions?.type;
  delete json.extensions;
  return { ...(type !== undefined && { type }), ...json };
}

function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { type: 'NOT_FOUND' } });
}

interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

function cursor(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString('base64');
}

function cursorIndex(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(value, 'base64').toString('utf8'));
  if (!match) throw new GraphQLError(`\`${value}\` does not appear to be a valid cursor.`, { extensions: { type: 'INVALID_CURSOR_ARGUMENTS' } });
  return Number(match[1]);
}

/** A Relay connection with GitHub's rules: `first` or `last` is required and at most 100. */
function connection<T, N>(items: readonly T[], args: PageArgs, name: string, toNode: (item: T) => N) {
  const { first, last } = args;
  if (first == null && last == null) {
    throw new GraphQLError(`You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`, {
      extensions: { type: 'MISSING_PAGINATION_BOUNDARIES' },
    });
  }
  for (const [argument, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw new GraphQLError(
        `Requesting ${value} records on the \`${name}\` connection exceeds the \`${argument}\` limit of ${MAX_PAGE_SIZE} records.`,
        { extensions: { type: 'EXCESSIVE_PAGINATION' } },
      );
    }
  }
  let start = 0;
  let end = items.length;
  const afterIndex = cursorIndex(args.after);
  const beforeIndex = cursorIndex(args.before);
  if (afterIndex !== undefined) start = afterIndex + 1;
  if (beforeIndex !== undefined) end = Math.min(end, beforeIndex);
  if (first != null) end = Math.min(end, start + first);
  if (last != null) start = Math.max(start, end - last);
  const indexes = Array.from({ length: Math.max(0, end - start) }, (_, offset) => start + offset);
  const nodes = indexes.map((index) => toNode(items[index]!));
  return {
    totalCount: items.length,
    nodes,
    edges: indexes.map((index, position) => ({ cursor: cursor(index), node: nodes[position] })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: indexes.length ? cursor(indexes[0]!) : null,
      endCursor: indexes.length ? cursor(indexes[indexes.length - 1]!) : null,
    },
  };
}

/** The root of every query and mutation; graphql-js calls its methods with the field's arguments. */
class Root {
  constructor(private readonly context: GraphQLRequestContext) {}

  private get state(): FakeGitHubState {
    return this.context.state;
  }

  private accessibleRepository(owner: string, name: string): Repository | undefined {
    const repo = this.state.repositories.get(`${owner}/${name}`.toLowerCase());
    return repo && repo.installationId === this.context.installationId ? repo : undefined;
  }

  repository({ owner, name }: { owner: string; name: string }) {
    const repo = this.accessibleRepository(owner, name);
    if (!repo) throw notFound(`Could not resolve to a Repository with the name '${owner}/${name}'.`);
    return repositoryNode(repo, this.context);
  }

  viewer() {
    return actorNode(this.state.app.bot);
  }

  rateLimit() {
    return { cost: 1, limit: 5000, nodeCount: 0, remaining: 4999, resetAt: new Date(Date.now() + 3600_000).toISOString(), used: 1 };
  }

  node({ id }: { id: string }) {
    const thread = this.findThread(id);
    if (thread) return threadNode(thread, this.context);
    return null;
  }

  resolveReviewThread(args: { input: { threadId: string; clientMutationId?: string } }) {
    return this.setResolved(args.input, true);
  }

  unresolveReviewThread(args: { input: { threadId: string; clientMutationId?: string } }) {
    return this.setResolved(args.input, false);
  }

  private findThread(id: string): ReviewThread | undefined {
    const thread = this.state.reviewThreads.find((candidate) => candidate.id === id);
    if (!thread) return undefined;
    const [owner, name] = thread.repository.split('/') as [string, string];
    return this.accessibleRepository(owner, name) ? thread : undefined;
  }

  private setResolved(input: { threadId: string; clientMutationId?: string }, resolved: boolean) {
    const thread = this.findThread(input.threadId);
    if (!thread) throw notFound(`Could not resolve to a node with the global id of '${input.threadId}'`);
    thread.isResolved = resolved;
    thread.resolvedBy = resolved ? this.state.app.bot : null;
    return { clientMutationId: input.clientMutationId ?? null, thread: threadNode(thread, this.context) };
  }
}

function actorNode(account: Account) {
  // GraphQL names a bot without the "[bot]" suffix that REST shows.
  const login = account.type === 'Bot' ? account.login.replace(/\[bot\]$/, '') : account.login;
  return {
    __typename: account.type === 'Bot' ? 'Bot' : account.type === 'Organization' ? 'Organization' : 'User',
    id: account.node_id,
    login,
    avatarUrl: `https://avatars.example/${login}`,
    resourcePath: `/${login}`,
    url: `https://github.example/${login}`,
  };
}

function resolveRevision(repo: Repository, revision: string): string | undefined {
  if (revision === 'HEAD') return repo.branches.get(repo.defaultBranch);
  if (repo.commits.has(revision)) return revision;
  const branch = revision.replace(/^refs\/heads\//, '');
  return repo.branches.get(branch);
}

function repositoryNode(repo: Repository, context: GraphQLRequestContext) {
  const url = `${context.webUrl}/${repo.fullName}`;
  return {
    __typename: 'Repository',
    id: repo.nodeId,
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: repo.fullName,
    url,
    isPrivate: false,
    owner: { __typename: 'Organization', id: nodeId('O', repo.owner), login: repo.owner, url: `${context.webUrl}/${repo.owner}` },
    defaultBranchRef: () => refNode(repo, repo.defaultBranch, context),
    ref: ({ qualifiedName }: { qualifiedName: string }) => {
      const name = qualifiedName.replace(/^refs\/heads\//, '');
      return repo.branches.has(name) ? refNode(repo, name, context) : null;
    },
    object: ({ expression, oid }: { expression?: string; oid?: string }) => {
      if (oid) {
        if (repo.commits.has(oid)) return commitNode(repo, oid, context);
        const blob = repo.blobs.get(oid);
        return blob ? blobNode(repo, oid, blob, context) : null;
      }
      if (expression === undefined) return null;
      const colon = expression.indexOf(':');
      const revision = colon < 0 ? expression : expression.slice(0, colon);
      const sha = resolveRevision(repo, revision);
      if (!sha) return null;
      if (colon < 0) return commitNode(repo, sha, context);
      return gitObjectAt(repo, sha, expression.slice(colon + 1).replace(/^\/+|\/+$/g, ''), context);
    },
    pullRequest: ({ number }: { number: number }) => {
      const pull = repo.pulls.get(number);
      if (!pull) throw notFound(`Could not resolve to a PullRequest with the number of ${number}.`);
      return pullRequestNode(repo, pull, context);
    },
  };
}

function refNode(repo: Repository, branch: string, context: GraphQLRequestContext) {
  return {
    __typename: 'Ref',
    id: nodeId('REF', `${repo.fullName}:${branch}`),
    name: branch,
    prefix: 'refs/heads/',
    target: () => commitNode(repo, repo.branches.get(branch)!, context),
  };
}

function gitObjectBase(repo: Repository, oid: string, commitSha: string, context: GraphQLRequestContext) {
  return {
    id: nodeId('GO', `${repo.fullName}:${oid}`),
    oid,
    abbreviatedOid: oid.slice(0, 7),
    commitResourcePath: `/${repo.fullName}/commit/${commitSha}`,
    commitUrl: `${context.webUrl}/${repo.fullName}/commit/${commitSha}`,
    repository: () => repositoryNode(repo, context),
  };
}

function commitNode(repo: Repository, sha: string, context: GraphQLRequestContext) {
  const commit = repo.commits.get(sha)!;
  return {
    __typename: 'Commit',
    ...gitObjectBase(repo, sha, sha, context),
    message: commit.message,
    messageHeadline: commit.message.split('\n')[0],
    tree: () => gitObjectAt(repo, sha, '', context),
  };
}

function blobNode(repo: Repository, commitSha: string, content: Buffer, context: GraphQLRequestContext) {
  const binary = isBinary(content);
  return {
    __typename: 'Blob',
    ...gitObjectBase(repo, gitBlobSha(content), commitSha, context),
    byteSize: content.length,
    isBinary: binary,
    isTruncated: !binary && content.length > BLOB_TEXT_LIMIT_BYTES,
    text: binary ? null : content.subarray(0, BLOB_TEXT_LIMIT_BYTES).toString('utf8'),
  };
}

/** The blob or tree at `path` ('' = root) of commit `sha`, or null. */
function gitObjectAt(repo: Repository, sha: string, path: string, context: GraphQLRequestContext): unknown {
  const files = repo.commits.get(sha)!.files;
  const file = files.get(path);
  if (file) return blobNode(repo, sha, file, context);
  const prefix = path === '' ? '' : `${path}/`;
  const children = new Map<string, 'blob' | 'tree'>();
  for (const filePath of files.keys()) {
    if (!filePath.startsWith(prefix)) continue;
    const [name, ...rest] = filePath.slice(prefix.length).split('/');
    children.set(name!, rest.length ? 'tree' : 'blob');
  }
  if (children.size === 0 && path !== '') return null;
  const listing = [...children].sort(([a], [b]) => a.localeCompare(b));
  const treeOid = gitBlobSha(Buffer.from(`${sha}:${path}`));
  return {
    __typename: 'Tree',
    ...gitObjectBase(repo, treeOid, sha, context),
    entries: listing.map(([name, type]) => {
      const entryPath = `${prefix}${name}`;
      const object = () => gitObjectAt(repo, sha, entryPath, context);
      const content = files.get(entryPath);
      return {
        name,
        nameRaw: Buffer.from(name).toString('base64'),
        path: entryPath,
        pathRaw: Buffer.from(entryPath).toString('base64'),
        type,
        mode: type === 'blob' ? 0o100644 : 0o040000,
        oid: content ? gitBlobSha(content) : gitBlobSha(Buffer.from(`${sha}:${entryPath}`)),
        size: content?.length ?? 0,
        extension: type === 'blob' && name.includes('.') ? name.slice(name.lastIndexOf('.')) : null,
        isGenerated: false,
        object,
        repository: () => repositoryNode(repo, context),
      };
    }),
  };
}

const CHANGE_TYPES = { added: 'ADDED', removed: 'DELETED', modified: 'MODIFIED', renamed: 'RENAMED' } as const;

function pullRequestNode(repo: Repository, pull: PullRequest, context: GraphQLRequestContext) {
  const state = context.state;
  return {
    __typename: 'PullRequest',
    id: pull.nodeId,
    databaseId: pull.id,
    number: pull.number,
    title: pull.title,
    state: pull.state === 'open' ? 'OPEN' : 'CLOSED',
    isDraft: pull.draft,
    headRefOid: pull.headSha,
    baseRefOid: pull.baseSha,
    headRefName: pull.headRef,
    baseRefName: pull.baseRef,
    changedFiles: pull.files.length,
    url: `${context.webUrl}/${repo.fullName}/pull/${pull.number}`,
    repository: () => repositoryNode(repo, context),
    files: (args: PageArgs) =>
      connection(pull.files, args, 'files', (file) => ({
        path: file.filename,
        additions: file.additions,
        deletions: file.deletions,
        changeType: CHANGE_TYPES[file.status],
        viewerViewedState: 'UNVIEWED',
      })),
    reviewThreads: (args: PageArgs) =>
      connection(
        state.reviewThreads.filter((thread) => thread.repository === repo.fullName && thread.pull_number === pull.number),
        args,
        'reviewThreads',
        (thread) => threadNode(thread, context),
      ),
  };
}

function threadNode(thread: ReviewThread, context: GraphQLRequestContext) {
  const comments = thread.commentIds.map((id) => context.state.reviewComments.find((comment) => comment.id === id)!);
  return {
    __typename: 'PullRequestReviewThread',
    id: thread.id,
    path: thread.path,
    diffSide: thread.diffSide,
    startDiffSide: thread.startLine === null ? null : thread.diffSide,
    line: thread.line,
    startLine: thread.startLine,
    originalLine: thread.originalLine,
    originalStartLine: thread.originalStartLine,
    isResolved: thread.isResolved,
    isOutdated: thread.isOutdated,
    isCollapsed: thread.isResolved,
    subjectType: 'LINE',
    viewerCanResolve: !thread.isResolved,
    viewerCanUnresolve: thread.isResolved,
    viewerCanReply: true,
    resolvedBy: thread.resolvedBy ? actorNode(thread.resolvedBy) : null,
    comments: (args: PageArgs) => connection(comments, args, 'comments', (comment) => commentNode(comment, context)),
  };
}

function commentNode(comment: ReviewComment, context: GraphQLRequestContext) {
  return {
    __typename: 'PullRequestReviewComment',
    id: comment.node_id,
    databaseId: comment.id,
    fullDatabaseId: String(comment.id),
    body: comment.body,
    bodyText: comment.body,
    path: comment.path,
    line: comment.line,
    startLine: comment.start_line,
    originalLine: comment.original_line,
    originalStartLine: comment.original_start_line,
    outdated: comment.line === null,
    createdAt: comment.created_at,
    updatedAt: comment.updated_at,
    url: `${context.webUrl}/${comment.repository}/pull/${comment.pull_number}#discussion_r${comment.id}`,
    author: actorNode(comment.user),
    viewerDidAuthor: comment.user.id === context.state.app.bot.id,
  };
}

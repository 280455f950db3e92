// What the fake saw, in order: enough to count requests and the round trips that had to happen one after
// another (the figure that makes a review slow at 100 ms per request).

export interface RequestLogEntry {
  method: string;
  /** The full path without the query, e.g. /api/v3/repos/o/r/pulls/1/files or /api/graphql. */
  path: string;
  /** The path GitHub documents (below /api/v3), or "/graphql". */
  route: string;
  query: string;
  status: number;
  /** Epoch milliseconds (fractional) when the request arrived and when the answer was sent. */
  startedAt: number;
  finishedAt: number;
  /** For GraphQL requests: the operation kind and name. */
  graphql?: { operation: string; name?: string };
  /** The parsed JSON body of writes (POST/PATCH/PUT), for tests that check what was sent. */
  body?: unknown;
}

/** Writes as GitHub counts them for secondary rate limits (GraphQL queries are reads). */
export function isWrite(entry: RequestLogEntry): boolean {
  if (entry.route === '/graphql') return entry.graphql?.operation === 'mutation';
  return entry.method !== 'GET' && entry.method !== 'HEAD' && !entry.route.endsWith('/access_tokens');
}

/** The longest chain of requests in which each one started after the previous one finished: the number
 *  of round trips that were paid one after another. (Greedy by earliest finish gives the largest set of
 *  pairwise non-overlapping intervals, which is exactly such a chain.) */
export function sequentialRoundTrips(entries: readonly RequestLogEntry[]): number {
  let count = 0;
  let lastFinish = -Infinity;
  for (const entry of [...entries].sort((a, b) => a.finishedAt - b.finishedAt)) {
    if (entry.startedAt >= lastFinish) {
      count++;
      lastFinish = entry.finishedAt;
    }
  }
  return count;
}

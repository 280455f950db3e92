import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { forLibrary } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';

const names = (owner: string, members: string): string[] => members.split(' ').map((m) => `${owner}.${m}`);
const VERBS = 'get post put patch delete head options request';

/** Synchronous HTTP clients: every one of these waits for the network on the calling thread. */
const BLOCKING_HTTP_CALLS: ReadonlySet<string> = new Set([
  ...names('requests', VERBS),
  ...names('requests.api', VERBS),
  ...names('requests.Session', `${VERBS} send`),
  ...names('urllib.request', 'urlopen urlretrieve'),
  'urllib3.request',
  ...['urllib3.PoolManager', 'urllib3.ProxyManager', 'urllib3.HTTPConnectionPool', 'urllib3.HTTPSConnectionPool',
    'urllib3.poolmanager.PoolManager', 'urllib3.poolmanager.ProxyManager',
    'urllib3.connectionpool.HTTPConnectionPool', 'urllib3.connectionpool.HTTPSConnectionPool']
    .flatMap((pool) => names(pool, 'request urlopen request_encode_url request_encode_body')),
  ...names('httpx', `${VERBS} stream`),
  ...names('httpx.Client', `${VERBS} stream send`),
  ...['http.client.HTTPConnection', 'http.client.HTTPSConnection'].flatMap((conn) => names(conn, 'request getresponse')),
]);

export default defineRule({
  name: 'blocking-http',
  aliases: ['ASYNC210', 'ASYNC211', 'ASYNC212'],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports synchronous HTTP calls (requests, urllib, urllib3, the httpx sync API, http.client) inside a coroutine.',
  why: 'A synchronous HTTP request holds the event loop for the whole round trip, so every other task stalls until the server answers. An async client (httpx.AsyncClient, which also runs on trio and anyio, or aiohttp, asyncio only) suspends only the calling coroutine.',
  bad: `import requests


async def fetch_user(user_id):
    response = requests.get(f"https://api.example.com/users/{user_id}")
    return response.json()
`,
  good: `import httpx


async def fetch_user(user_id):
    async with httpx.AsyncClient() as client:
        response = await client.get(f"https://api.example.com/users/{user_id}")
    return response.json()
`,
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const callee = model.callee(call);
    if (!callee || !BLOCKING_HTTP_CALLS.has(callee) || !model.isInCoroutine(call)) return;
    // aiohttp runs only on asyncio; httpx's async client on asyncio, trio and anyio alike.
    const instead = forLibrary(model, call, { asyncio: '`httpx.AsyncClient` or `aiohttp`', trio: '`httpx.AsyncClient`', anyio: '`httpx.AsyncClient`' });
    report(call, `\`${callSnippet(call)}\` is a blocking HTTP call in ${model.describeContext(call)}: it stalls the event loop until the server answers; use ${instead}`);
  },
});

import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { forLibrary } from '../src/analyzer/rule-helpers.js';
import { blockingCallsOf } from '../src/analyzer/model/known-apis.js';
import { callSnippet } from './support/calls.js';

/** Synchronous HTTP clients (requests, urllib, urllib3, httpx's sync API, http.client): every one of these waits
 *  for the network on the calling thread. The library tables say which (src/analyzer/knowledge/libraries/). */
const BLOCKING_HTTP_CALLS = blockingCallsOf('http');

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

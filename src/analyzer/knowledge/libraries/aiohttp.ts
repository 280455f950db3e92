// aiohttp's client: https://docs.aiohttp.org/en/stable/client_reference.html
import { defineLibrary, type CallableKnowledge } from '../library.js';

/** `session.get(url)`: awaited, a response; entered with `async with`, a response too. */
const REQUEST: CallableKnowledge = { coroutine: true, awaitReturns: 'aiohttp.ClientResponse', asyncContextManager: true, enters: 'aiohttp.ClientResponse' };

export default defineLibrary({
  module: 'aiohttp',
  sources: ['https://docs.aiohttp.org/en/stable/client_reference.html', 'https://docs.aiohttp.org/en/stable/streams.html'],
  functions: {
    // `async with aiohttp.request(...) as response`: a context manager only, not awaitable.
    request: { asyncContextManager: true, enters: 'aiohttp.ClientResponse' },
  },
  classes: {
    ClientSession: {
      aliases: ['aiohttp.client.ClientSession'],
      asyncContextManager: true,
      coroutines: 'close',
      methods: {
        get: REQUEST, post: REQUEST, put: REQUEST, patch: REQUEST, delete: REQUEST, head: REQUEST, options: REQUEST, request: REQUEST,
        ws_connect: { coroutine: true, asyncContextManager: true },
      },
      roles: ['http-client-session'],
      closeMethod: 'close',
    },
    ClientResponse: { coroutines: 'text json read', attributes: { content: 'aiohttp.StreamReader' } },
    StreamReader: {
      coroutines: 'read readline readany readchunk readexactly readuntil',
      asyncIterable: true,
      methods: { iter_chunked: { asyncIterable: true }, iter_any: { asyncIterable: true }, iter_chunks: { asyncIterable: true } },
    },
  },
});

// httpx: https://www.python-httpx.org/api/ (AsyncClient is async; the module functions and Client block).
import { defineLibrary, type CallableKnowledge } from '../library.js';

const REQUEST: CallableKnowledge = { coroutine: true, awaitReturns: 'httpx.Response' };
const BLOCKS: CallableKnowledge = { blocking: { kind: 'http' } };

export default defineLibrary({
  module: 'httpx',
  sources: ['https://www.python-httpx.org/api/', 'https://www.python-httpx.org/async/'],
  functions: {
    get: BLOCKS, post: BLOCKS, put: BLOCKS, patch: BLOCKS, delete: BLOCKS, head: BLOCKS, options: BLOCKS, request: BLOCKS, stream: BLOCKS,
  },
  classes: {
    AsyncClient: {
      asyncContextManager: true,
      coroutines: 'send aclose',
      methods: {
        get: REQUEST, post: REQUEST, put: REQUEST, patch: REQUEST, delete: REQUEST, head: REQUEST, options: REQUEST, request: REQUEST,
        stream: { asyncContextManager: true },
      },
      roles: ['http-client-session'],
      closeMethod: 'aclose',
    },
    Client: {
      methods: {
        get: BLOCKS, post: BLOCKS, put: BLOCKS, patch: BLOCKS, delete: BLOCKS, head: BLOCKS, options: BLOCKS, request: BLOCKS, stream: BLOCKS, send: BLOCKS,
      },
    },
  },
});

// websockets: https://websockets.readthedocs.io/en/stable/reference/index.html
import { defineLibrary } from '../library.js';

export default defineLibrary({
  module: 'websockets',
  sources: ['https://websockets.readthedocs.io/en/stable/reference/asyncio/client.html', 'https://websockets.readthedocs.io/en/stable/reference/asyncio/server.html'],
  functions: {
    connect: { asyncContextManager: true },
    'client.connect': { asyncContextManager: true },
    'asyncio.client.connect': { asyncContextManager: true },
    serve: { asyncContextManager: true },
  },
});

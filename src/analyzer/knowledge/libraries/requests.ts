// requests (synchronous HTTP): https://requests.readthedocs.io/en/latest/api/
import { defineLibrary, type CallableKnowledge } from '../library.js';

const BLOCKS: CallableKnowledge = { blocking: { kind: 'http' } };
const VERBS = { get: BLOCKS, post: BLOCKS, put: BLOCKS, patch: BLOCKS, delete: BLOCKS, head: BLOCKS, options: BLOCKS, request: BLOCKS };

export default defineLibrary({
  module: 'requests',
  sources: ['https://requests.readthedocs.io/en/latest/api/'],
  functions: {
    ...VERBS,
    ...Object.fromEntries(Object.entries(VERBS).map(([verb, call]) => [`api.${verb}`, call])),
    session: { returns: 'requests.Session' },
  },
  classes: {
    Session: { aliases: ['requests.sessions.Session'], methods: { ...VERBS, send: BLOCKS } },
  },
});

// urllib3 (synchronous HTTP): https://urllib3.readthedocs.io/en/stable/reference/
import { defineLibrary, type ClassKnowledge } from '../library.js';

const POOL: ClassKnowledge = {
  methods: Object.fromEntries('request urlopen request_encode_url request_encode_body'.split(' ').map((name) => [name, { blocking: { kind: 'http' } }])),
};

export default defineLibrary({
  module: 'urllib3',
  sources: ['https://urllib3.readthedocs.io/en/stable/reference/urllib3.poolmanager.html', 'https://urllib3.readthedocs.io/en/stable/reference/urllib3.connectionpool.html'],
  functions: { request: { blocking: { kind: 'http' } } },
  classes: {
    PoolManager: { ...POOL, aliases: ['urllib3.poolmanager.PoolManager'] },
    ProxyManager: { ...POOL, aliases: ['urllib3.poolmanager.ProxyManager'] },
    HTTPConnectionPool: { ...POOL, aliases: ['urllib3.connectionpool.HTTPConnectionPool'] },
    HTTPSConnectionPool: { ...POOL, aliases: ['urllib3.connectionpool.HTTPSConnectionPool'] },
  },
});

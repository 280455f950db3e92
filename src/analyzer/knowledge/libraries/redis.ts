// redis (redis-py's synchronous client): https://redis.readthedocs.io/en/stable/connections.html
// The asyncio client is redis.asyncio (redis-asyncio.ts).
import { defineLibrary, type CallableKnowledge } from '../library.js';

const CLIENT: CallableKnowledge = { blocking: { kind: 'database', instead: '`redis.asyncio.Redis`' } };

export default defineLibrary({
  module: 'redis',
  sources: ['https://redis.readthedocs.io/en/stable/connections.html'],
  functions: {
    Redis: CLIENT,
    StrictRedis: CLIENT,
    'client.Redis': CLIENT,
    'client.StrictRedis': CLIENT,
    from_url: { blocking: { kind: 'database', instead: '`redis.asyncio.from_url`' } },
    'Redis.from_url': { blocking: { kind: 'database', instead: '`redis.asyncio.Redis.from_url`' } },
    'StrictRedis.from_url': { blocking: { kind: 'database', instead: '`redis.asyncio.Redis.from_url`' } },
  },
});

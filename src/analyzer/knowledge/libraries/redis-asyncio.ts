// redis.asyncio (redis-py's asyncio client): https://redis.readthedocs.io/en/stable/examples/asyncio_examples.html
// "All commands are coroutine functions"; `aclose()` (5.0.1+) and the deprecated `close()` too.
import { defineLibrary } from '../library.js';

/** The commonest commands (all of Redis's commands are coroutines on this client: list more as needed). */
const COMMANDS = [
  'get set delete exists expire incr decr hget hset hgetall lpush rpush lpop rpop publish close aclose ping',
  'mget mset setex getdel incrby decrby hdel hmget hincrby hkeys hvals hexists sadd srem smembers sismember',
  'zadd zrem zrange zscore zincrby llen lrange ltrim blpop brpop keys scan ttl flushdb xadd xread',
].join(' ');

export default defineLibrary({
  module: 'redis.asyncio',
  sources: ['https://redis.readthedocs.io/en/stable/examples/asyncio_examples.html', 'https://redis.readthedocs.io/en/stable/commands.html'],
  functions: {
    from_url: { returns: 'redis.asyncio.Redis' },
  },
  classes: {
    Redis: {
      aliases: ['redis.asyncio.StrictRedis', 'redis.asyncio.client.Redis'],
      coroutines: COMMANDS,
      asyncContextManager: true,
      methods: { from_url: { returns: 'redis.asyncio.Redis' } },
    },
  },
});

// asyncpg: https://magicstack.github.io/asyncpg/current/api/index.html
import { defineLibrary } from '../library.js';

const QUERIES = 'execute executemany fetch fetchrow fetchval close copy_from_query copy_from_table copy_to_table copy_records_to_table';

export default defineLibrary({
  module: 'asyncpg',
  sources: ['https://magicstack.github.io/asyncpg/current/api/index.html', 'https://magicstack.github.io/asyncpg/current/genindex.html'],
  functions: {
    connect: { coroutine: true, awaitReturns: 'asyncpg.Connection' },
    create_pool: { coroutine: true, awaitReturns: 'asyncpg.Pool' },
  },
  classes: {
    // `close()` is a coroutine; `terminate()` closes at once and is not.
    Connection: {
      aliases: ['asyncpg.connection.Connection'],
      coroutines: QUERIES,
      methods: { transaction: { asyncContextManager: true } },
    },
    Pool: {
      aliases: ['asyncpg.pool.Pool'],
      coroutines: `${QUERIES} release expire_connections`,
      // `async with pool.acquire() as connection` (also awaitable: `await pool.acquire()`).
      methods: { acquire: { asyncContextManager: true, enters: 'asyncpg.Connection' } },
    },
  },
});

import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { forLibrary, offloadText } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';

/** Synchronous database clients, by what makes them, with the asyncio driver to use instead. */
const BLOCKING_DATABASE_CLIENTS: ReadonlyMap<string, string> = new Map([
  ['sqlite3.connect', '`aiosqlite.connect`'],
  ['sqlite3.dbapi2.connect', '`aiosqlite.connect`'],
  ['psycopg2.connect', '`asyncpg.connect` or `psycopg.AsyncConnection.connect`'],
  ['psycopg.connect', '`psycopg.AsyncConnection.connect`'],
  ['psycopg.Connection.connect', '`psycopg.AsyncConnection.connect`'],
  ['pymysql.connect', '`aiomysql.connect`'],
  ['pymysql.Connect', '`aiomysql.connect`'],
  ['MySQLdb.connect', '`aiomysql.connect`'],
  ['MySQLdb.Connect', '`aiomysql.connect`'],
  ['mysql.connector.connect', '`aiomysql.connect`'],
  ['pymongo.MongoClient', '`motor.motor_asyncio.AsyncIOMotorClient` or `pymongo.AsyncMongoClient`'],
  ['redis.Redis', '`redis.asyncio.Redis`'],
  ['redis.StrictRedis', '`redis.asyncio.Redis`'],
  ['redis.from_url', '`redis.asyncio.from_url`'],
  ['redis.Redis.from_url', '`redis.asyncio.Redis.from_url`'],
  ['redis.StrictRedis.from_url', '`redis.asyncio.Redis.from_url`'],
  ['redis.client.Redis', '`redis.asyncio.Redis`'],
  ['redis.client.StrictRedis', '`redis.asyncio.Redis`'],
]);

export default defineRule({
  name: 'blocking-database',
  aliases: [],
  severity: 'error',
  scope: 'coroutine',
  what: 'Reports synchronous database clients (sqlite3, psycopg2, pymysql, MySQLdb, pymongo, redis) created inside a coroutine.',
  why: 'A synchronous driver waits for the database on the event loop\'s thread: connecting and every query on the connection stall all other tasks. The asyncio drivers (aiosqlite, asyncpg, aiomysql, motor, redis.asyncio) suspend only the calling coroutine; trio and anyio code, which they do not run on, can do the database work in a worker thread.',
  bad: `import sqlite3


async def count_users(path):
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT count(*) FROM users").fetchone()[0]
    finally:
        connection.close()
`,
  good: `import aiosqlite


async def count_users(path):
    async with aiosqlite.connect(path) as connection:
        cursor = await connection.execute("SELECT count(*) FROM users")
        return (await cursor.fetchone())[0]
`,
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const callee = model.callee(call);
    const instead = callee ? BLOCKING_DATABASE_CLIENTS.get(callee) : undefined;
    if (!instead || !model.isInCoroutine(call)) return;
    // The asyncio drivers need an asyncio loop: trio code (and anyio code, which may run on trio) has none.
    const thread = (library: 'trio' | 'anyio') => `do the database work in ${offloadText(library, model)}`;
    const advice = forLibrary(model, call, { asyncio: `use ${instead}`, trio: thread('trio'), anyio: thread('anyio') });
    report(call, `\`${callSnippet(call)}\` makes a synchronous database client in ${model.describeContext(call)}: connecting and every query on it block the event loop; ${advice}`);
  },
});

import type { Node } from 'web-tree-sitter';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { forLibrary, offloadText } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { blockingCallsOf } from '../src/analyzer/model/known-apis.js';

/** Synchronous database clients, by what makes them, with the asyncio driver to use instead (the library
 *  tables: src/analyzer/knowledge/libraries/). */
const BLOCKING_DATABASE_CLIENTS = blockingCallsOf('database');

/** Clients that keep the database in the process's memory when the database they are given (first argument,
 *  or the keyword) is named so: no disk and no server behind them, so nothing waits. SQLite reads a `file:`
 *  URI (`file::memory:?cache=shared`, `file:name?mode=memory`) only when `uri=True` is passed. */
const IN_MEMORY_DATABASES: ReadonlyMap<string, { keyword: string; uriFlag: string }> = new Map([
  ['sqlite3.connect', { keyword: 'database', uriFlag: 'uri' }],
  ['sqlite3.dbapi2.connect', { keyword: 'database', uriFlag: 'uri' }],
]);

export default defineRule({
  name: 'blocking-database',
  aliases: [],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports synchronous database clients (psycopg2, pymysql, MySQLdb, pymongo, redis, and sqlite3 where `blocking-file-io` is on) created inside a coroutine. A local SQLite file is file I/O, weighed like other local file access: `sqlite3.connect()` is reported only where `blocking-file-io` is turned on (it is off by default; on in Home Assistant modules), and an SQLite database in memory (`sqlite3.connect(":memory:")`) never.',
  why: 'A synchronous driver waits for the database on the event loop\'s thread: connecting and every query on the connection stall all other tasks. The asyncio drivers (aiosqlite, asyncpg, aiomysql, motor, redis.asyncio) suspend only the calling coroutine; trio and anyio code, which they do not run on, can do the database work in a worker thread.',
  bad: `import psycopg2


async def count_users(dsn):
    connection = psycopg2.connect(dsn)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM users")
            return cursor.fetchone()[0]
    finally:
        connection.close()
`,
  good: `import asyncpg


async def count_users(dsn):
    connection = await asyncpg.connect(dsn)
    try:
        return await connection.fetchval("SELECT count(*) FROM users")
    finally:
        await connection.close()
`,
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const callee = model.callee(call);
    const client = callee ? BLOCKING_DATABASE_CLIENTS.get(callee) : undefined;
    if (!client || !model.isInCoroutine(call) || isInMemoryDatabase(call, callee!)) return;
    // A local SQLite file is file I/O: its queries take microseconds to milliseconds on the small databases
    // bots and services keep, which maintainers weigh like other local file access (blocking-file-io, off by
    // default). Reported where that rule is on.
    if (client.localFile && !(model.self?.ruleIsOn('blocking-file-io') ?? false)) return;
    const { instead } = client;
    // The asyncio drivers need an asyncio loop: trio code (and anyio code, which may run on trio) has none.
    const thread = (library: 'trio' | 'anyio') => `do the database work in ${offloadText(library, model)}`;
    const advice = forLibrary(model, call, { asyncio: `use ${instead}`, trio: thread('trio'), anyio: thread('anyio') });
    report(call, `\`${callSnippet(call)}\` makes a synchronous database client in ${model.describeContext(call)}: connecting and every query on it block the event loop; ${advice}`);
  },
});

/** `sqlite3.connect(":memory:")`, `sqlite3.connect("file::memory:?cache=shared", uri=True)`: a database with
 *  no file behind it, whose queries are work in memory like any other Python code. */
function isInMemoryDatabase(call: Node, callee: string): boolean {
  const form = IN_MEMORY_DATABASES.get(callee);
  if (!form) return false;
  let database: Node | undefined;
  let uri = false;
  for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') {
      const name = arg.childForFieldName('name')?.text;
      if (name === form.keyword) database = arg.childForFieldName('value') ?? undefined;
      else if (name === form.uriFlag) uri = arg.childForFieldName('value')?.type === 'true';
    } else if (arg.type === 'list_splat' || arg.type === 'dictionary_splat') return false;
    else database ??= arg;
  }
  const name = database ? stringValue(database) : null;
  if (name === ':memory:') return true;
  if (!uri || name === null || !name.startsWith('file:')) return false;
  const [path, query = ''] = name.slice('file:'.length).split('?', 2);
  return path === ':memory:' || query.split('&').includes('mode=memory');
}

/** The value of a plain string literal (no interpolation, no escapes); null for anything else. */
function stringValue(node: Node): string | null {
  if (node.type !== 'string') return null;
  const parts = node.namedChildren.filter((child) => child?.type !== 'string_start' && child?.type !== 'string_end');
  if (parts.length === 0) return '';
  const [content] = parts;
  return parts.length === 1 && content?.type === 'string_content' && content.namedChildCount === 0 ? content.text : null;
}

// Library knowledge as data: the tables in src/analyzer/knowledge/libraries/ drive the model, and a new table
// is all it takes to teach the analyzer a library.
import { beforeAll, describe, expect, it } from 'vitest';
import missingAwait from '../../rules/missing-await.js';
import syncWithAsyncContextManager from '../../rules/sync-with-async-context-manager.js';
import blockingDatabase from '../../rules/blocking-database.js';
import { assemble, LIBRARIES } from '../../src/analyzer/knowledge/index.js';
import { defineLibrary } from '../../src/analyzer/knowledge/library.js';
import { findingsIn } from '../helpers/analyze.js';

const lines = async (source: string, rules = [missingAwait]) =>
  (await findingsIn(source, { rules, path: 'app/service.py' })).map((f) => `${f.line} ${f.rule}`);

describe('library tables', () => {
  it('assemble() turns a table into the lookups the model reads, aliases included', () => {
    const tables = assemble([defineLibrary({
      module: 'shop',
      sources: ['https://example.org/shop'],
      coroutines: 'fetch_all',
      functions: { connect: { coroutine: true, awaitReturns: 'shop.Connection' }, open: { asyncContextManager: true, enters: 'shop.Cart' } },
      classes: { Connection: { aliases: ['shop.conn.Connection'], coroutines: 'close', asyncIterable: true, attributes: { cart: 'shop.Cart' } } },
    })]);
    expect([...tables.coroutineFunctions].sort()).toEqual(['shop.Connection.close', 'shop.conn.Connection.close', 'shop.connect', 'shop.fetch_all']);
    expect(tables.awaitResultTypes.get('shop.connect')).toBe('shop.Connection');
    expect(tables.callResultTypes.get('shop.conn.Connection')).toBe('shop.Connection');
    expect(tables.asyncOnlyContextManagers.has('shop.open')).toBe(true);
    expect(tables.contextEnterTypes.get('shop.open')).toBe('shop.Cart');
    expect(tables.asyncOnlyIterables.has('shop.conn.Connection')).toBe(true);
    expect(tables.attributeTypes.get('shop.Connection.cart')).toBe('shop.Cart');
  });

  it('refuses two tables that disagree on one name', () => {
    const one = defineLibrary({ module: 'a', sources: ['x'], functions: { make: { returns: 'a.One' } } });
    const other = defineLibrary({ module: 'a', sources: ['x'], functions: { make: { returns: 'a.Other' } } });
    expect(() => assemble([one, other])).toThrow(/two values for a.make/);
  });

  it('every shipped table names its module once and says where its entries were checked', () => {
    const modules = LIBRARIES.map((library) => library.module);
    expect(new Set(modules).size).toBe(modules.length);
    for (const library of LIBRARIES) expect(library.sources.length, library.module).toBeGreaterThan(0);
    expect(modules).toEqual(expect.arrayContaining(['asyncio', 'aiohttp', 'httpx', 'asyncpg', 'aiodocker', 'redis.asyncio', 'motor.motor_asyncio',
      'aiofiles', 'aiosqlite', 'anyio', 'trio', 'requests', 'time', 'socket', 'subprocess']));
  });
});

describe('table entries drive findings', () => {
  // The first analysis in a thread compiles the query and warms the JIT: on a loaded machine it can outlast a
  // rule's time share (src/analyzer/limits.ts), which would cut findings short. Pay it before the cases.
  beforeAll(async () => {
    await findingsIn('async def warm_up():\n    pass\n', { rules: [missingAwait] });
  });

  it('aiodocker: a Docker client closed without await, and a container call through its `containers` attribute', async () => {
    expect(await lines(`import aiodocker


async def run(image):
    docker = aiodocker.Docker()
    container = await docker.containers.run({"Image": image})
    container.stop()
    docker.close()
`)).toEqual(['7 missing-await', '8 missing-await']);
  });

  it('motor: collection methods are coroutines, the cursor from find() and the client close() are not', async () => {
    expect(await lines(`from motor.motor_asyncio import AsyncIOMotorClient


async def save(document):
    client = AsyncIOMotorClient()
    orders = client.get_database("shop").get_collection("orders")
    orders.insert_one(document)
    cursor = orders.find({})
    await cursor.to_list(10)
    client.close()
`)).toEqual(['7 missing-await']);
  });

  it('aiosqlite: a cursor method not awaited; the connection needs async with', async () => {
    expect(await lines(`import aiosqlite


async def rows(path):
    with aiosqlite.connect(path) as db:
        cursor = await db.execute("SELECT 1")
        cursor.fetchall()
`, [missingAwait, syncWithAsyncContextManager])).toEqual(['5 sync-with-async-context-manager', '7 missing-await']);
  });

  it('a blocking table entry drives the blocking rule with its remedy', async () => {
    const findings = await findingsIn(`import pymongo


async def users():
    return pymongo.MongoClient().db.users.find_one()
`, { rules: [blockingDatabase], path: 'app/service.py' });
    expect(findings.map((f) => f.line)).toEqual([5]);
    expect(findings[0].message).toContain('AsyncIOMotorClient');
  });
});

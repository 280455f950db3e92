// aiosqlite: https://aiosqlite.omnilib.dev/en/stable/api.html (source: aiosqlite/core.py, aiosqlite/cursor.py)
import { defineLibrary, type CallableKnowledge } from '../library.js';

const CURSOR: CallableKnowledge = { coroutine: true, awaitReturns: 'aiosqlite.Cursor', enters: 'aiosqlite.Cursor' };

export default defineLibrary({
  module: 'aiosqlite',
  sources: ['https://aiosqlite.omnilib.dev/en/stable/api.html', 'https://github.com/omnilib/aiosqlite/blob/main/aiosqlite/cursor.py'],
  functions: {
    // A Connection, which `await` or `async with` starts (it has `__await__` and `__aenter__`, no `__enter__`).
    connect: { returns: 'aiosqlite.Connection', awaitReturns: 'aiosqlite.Connection' },
  },
  classes: {
    Connection: {
      aliases: ['aiosqlite.core.Connection'],
      coroutines: 'execute_insert execute_fetchall commit rollback close interrupt create_function backup',
      // These give a Cursor, awaited (`await db.execute(...)`) or entered (`async with db.execute(...) as cursor`).
      methods: Object.fromEntries('execute executemany executescript cursor'.split(' ').map((name) => [name, CURSOR])),
      asyncContextManager: true,
    },
    Cursor: {
      aliases: ['aiosqlite.cursor.Cursor'],
      coroutines: 'execute executemany executescript fetchone fetchmany fetchall close',
      asyncContextManager: true,
      asyncIterable: true,
    },
  },
});

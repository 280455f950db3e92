// SQLAlchemy's asyncio extension: https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html — unlike
// `Session`, `AsyncSession.delete()`, `.refresh()`, `.get()` and `.merge()` are coroutines too; `add()`,
// `add_all()` and `expunge()` stay plain methods. A session made by an `async_sessionmaker` is known where an
// annotation (`session: AsyncSession`) says so.
import { defineLibrary } from '../library.js';

const SESSION = 'sqlalchemy.ext.asyncio.AsyncSession';

export default defineLibrary({
  module: 'sqlalchemy.ext.asyncio',
  sources: ['https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html#sqlalchemy.ext.asyncio.AsyncSession', 'https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html#sqlalchemy.ext.asyncio.AsyncEngine'],
  functions: {
    create_async_engine: { returns: 'sqlalchemy.ext.asyncio.AsyncEngine' },
  },
  classes: {
    AsyncSession: {
      aliases: ['sqlalchemy.ext.asyncio.session.AsyncSession'],
      coroutines: 'execute scalar scalars commit rollback flush refresh delete close get merge stream stream_scalars run_sync invalidate connection',
      asyncContextManager: true,
      methods: { begin: { asyncContextManager: true }, begin_nested: { asyncContextManager: true } },
    },
    AsyncEngine: {
      aliases: ['sqlalchemy.ext.asyncio.engine.AsyncEngine'],
      coroutines: 'dispose',
      methods: { connect: { asyncContextManager: true, enters: 'sqlalchemy.ext.asyncio.AsyncConnection' }, begin: { asyncContextManager: true, enters: 'sqlalchemy.ext.asyncio.AsyncConnection' } },
    },
    AsyncConnection: {
      coroutines: 'execute scalar scalars commit rollback run_sync close stream',
      asyncContextManager: true,
    },
  },
});

// missing-await on library coroutines reached through attributes and annotated names: the guide's forgotten
// `await session.close()` where the session lives in `self._session`, and its look-alikes that must stay silent.
import { beforeAll, describe, expect, it } from 'vitest';
import missingAwait from '../../rules/missing-await.js';
import { findingsIn } from '../helpers/analyze.js';

const lines = async (source: string) => (await findingsIn(source, { rules: [missingAwait], path: 'app/client.py' })).map((f) => f.line);

const IMPORTS = `import aiohttp
import asyncpg
import redis.asyncio as redis
from typing import Optional
from aiohttp import ClientSession
`;

describe('missing-await: attribute types', () => {
  // The first analysis in a thread compiles the query and warms the JIT: on a loaded machine it can outlast a
  // rule's time share (src/analyzer/limits.ts), which would cut findings short. Pay it before the cases.
  beforeAll(async () => {
    await findingsIn('async def warm_up():\n    pass\n', { rules: [missingAwait] });
  });

  it('finds a forgotten close() on a session assigned in __init__', async () => {
    expect(await lines(`${IMPORTS}

class Client:
    def __init__(self):
        self._session = aiohttp.ClientSession()

    async def close(self):
        self._session.close()
`)).toEqual([13]);
  });

  it('finds it on a session declared by annotation: class level, self.x: T, Optional and X | None, a string', async () => {
    expect(await lines(`${IMPORTS}

class Declared:
    session: ClientSession

    async def close(self):
        self.session.close()


class OptionalAttribute:
    _session: Optional[aiohttp.ClientSession] = None

    async def close(self):
        self._session.close()


class AnnotatedInInit:
    def __init__(self):
        self._session: aiohttp.ClientSession | None = None

    async def close(self):
        self._session.close()


class ForwardReference:
    def __init__(self, pool):
        self._pool: "asyncpg.Pool" = pool

    async def count(self):
        self._pool.fetch("SELECT 1")
`)).toEqual([12, 19, 27, 35]);
  });

  it('finds unawaited pool and redis calls through attributes, parameters and annotated locals', async () => {
    expect(await lines(`${IMPORTS}

class Store:
    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool
        self._redis = redis.from_url("redis://localhost")

    async def load(self, key):
        self._pool.fetch("SELECT 1")
        self._redis.get(key)


async def handler(session: aiohttp.ClientSession, cache: redis.Redis):
    session.close()
    cache.get("key")
    pool: asyncpg.Pool = make_pool()
    pool.fetch("SELECT 1")
`)).toEqual([14, 15, 19, 20, 22]);
  });

  it('stays silent on look-alikes', async () => {
    expect(await lines(`${IMPORTS}

class SyncSession:
    def close(self):
        pass


class SyncClose:
    def __init__(self):
        self._session = SyncSession()

    async def close(self):
        self._session.close()


class ConflictingValue:
    _session: ClientSession

    def __init__(self):
        self._session = SyncSession()

    async def close(self):
        self._session.close()


class ReassignedFromUnknown:
    def __init__(self, factory):
        self._session = aiohttp.ClientSession()

    def replace(self, other):
        self._session = other

    async def close(self):
        self._session.close()


class TwoTypes:
    def __init__(self, fast):
        self._session = aiohttp.ClientSession() if fast else None
        if fast:
            self._session = aiohttp.ClientSession()
        else:
            self._session = SyncSession()

    async def close(self):
        self._session.close()


class Awaited:
    def __init__(self):
        self._session = aiohttp.ClientSession()

    async def close(self):
        await self._session.close()

    async def keep(self):
        closing = self._session.close()
        return closing

    async def hand_over(self, loop):
        loop.create_task(self._session.close())
        return self._session.close()


def shadowed():
    class ClientSession:
        def close(self):
            pass

    session: ClientSession = ClientSession()
    session.close()
`)).toEqual([]);
  });

  it('stays silent where a local subclass assigns the attribute something else', async () => {
    expect(await lines(`${IMPORTS}

class Base:
    def __init__(self):
        self._session = aiohttp.ClientSession()

    async def close(self):
        self._session.close()


class Offline(Base):
    def __init__(self, stub):
        self._session = stub
`)).toEqual([]);
  });
});

describe('missing-await: declared attributes assigned by functions', () => {
  it('keeps the declared type when a factory function or a dataclass field makes the value', async () => {
    expect(await lines(`${IMPORTS}
from dataclasses import dataclass, field
from .sessions import make_session


class Built:
    def __init__(self):
        self._session: aiohttp.ClientSession = make_session()

    async def close(self):
        self._session.close()


@dataclass
class Settings:
    session: ClientSession = field(default=None)

    async def close(self):
        self.session.close()
`)).toEqual([16, 24]);
  });
});

describe('missing-await: properties', () => {
  it('follows a property to the type it returns, by annotation or by its returns, through two properties', async () => {
    expect(await lines(`${IMPORTS}
import functools


class Connection:
    def __init__(self):
        self._session = aiohttp.ClientSession()

    @property
    def session(self) -> aiohttp.ClientSession:
        return self._session

    @functools.cached_property
    def pool(self):
        return asyncpg.create_pool()


class Service:
    @property
    def connection(self):
        return Connection()

    async def stop(self):
        self.connection.session.close()
        self.connection.session.get("https://example.org")
`)).toEqual([29, 30]);
  });

  it('stays silent when a subclass overrides the property with a plain attribute or another type', async () => {
    expect(await lines(`${IMPORTS}


class Base:
    @property
    def session(self) -> aiohttp.ClientSession:
        return self._session

    async def stop(self):
        self.session.close()


class Stubbed(Base):
    session = None


class Other:
    @property
    def session(self):
        if self.fast:
            return aiohttp.ClientSession()
        return object()

    async def stop(self):
        self.session.close()
`)).toEqual([]);
  });
});

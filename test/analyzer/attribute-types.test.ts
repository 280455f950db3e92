// What the model says an instance's attributes and properties hold: the types missing-await and the other
// rules follow, and what a module's summary can tell other modules about its classes.
import { describe, expect, it } from 'vitest';
import { loadPythonParser } from '../../src/analyzer/parser.js';
import { SourceText } from '../../src/analyzer/source-text.js';
import { FACTS_QUERY, SemanticModel } from '../../src/analyzer/model/semantic-model.js';
import danglingTask from '../../rules/dangling-task.js';
import { findingsIn } from '../helpers/analyze.js';

async function memberTypes(code: string, className: string): Promise<Record<string, string | null>> {
  const parser = await loadPythonParser();
  const tree = parser.parse(code);
  const model = new SemanticModel(tree, new SourceText(code), 'mod', parser.query(FACTS_QUERY).matches(tree.rootNode));
  const cls = model.classes.find((c) => c.name === className)!;
  const names = new Set([...cls.attributeValues.keys(), ...cls.attributeAnnotations.keys(), ...cls.methods.keys()].filter((n) => !n.startsWith('__')));
  return Object.fromEntries([...names].sort().map((name) => [name, model.instanceMemberType(cls, name)]));
}

describe('instance member types', () => {
  it('reads constructor assignments, annotations, unions with None, ClassVar, forward references and properties', async () => {
    expect(await memberTypes(`import asyncio
import typing
from typing import ClassVar, Optional
import aiohttp
import asyncpg


class Worker:
    queue: asyncio.Queue
    limit: ClassVar[asyncio.Semaphore]
    pool: "asyncpg.Pool"
    maybe: Optional[aiohttp.ClientSession] = None

    def __init__(self):
        self.lock = asyncio.Lock()
        self.session: aiohttp.ClientSession | None = None
        self.count = 0

    @property
    def http(self) -> aiohttp.ClientSession:
        return self.session

    def run(self):
        pass
`, 'Worker')).toEqual({
      count: null,
      http: 'aiohttp.ClientSession',
      limit: 'asyncio.Semaphore',
      lock: 'asyncio.Lock',
      maybe: 'aiohttp.ClientSession',
      pool: 'asyncpg.Pool',
      queue: 'asyncio.Queue',
      run: null,
      session: 'aiohttp.ClientSession',
    });
  });

  it('is unknown when values disagree, one is unknown, or an annotation is contradicted by a class', async () => {
    expect(await memberTypes(`import asyncio
import aiohttp


class Fake:
    pass


class Mixed:
    declared: aiohttp.ClientSession

    def __init__(self, given):
        self.two = asyncio.Lock()
        self.unknown = asyncio.Lock()
        self.declared = Fake()

    def reset(self, given):
        self.two = asyncio.Event()
        self.unknown = given
`, 'Mixed')).toEqual({ declared: null, reset: null, two: null, unknown: null });
  });
});

describe('other rules follow attribute types too', () => {
  it('dangling-task: a task created on a loop held in an annotated attribute and not kept', async () => {
    const findings = await findingsIn(`import asyncio
from typing import Optional


class Heartbeat:
    def __init__(self, loop):
        self._loop: Optional[asyncio.AbstractEventLoop] = loop

    def beat(self):
        self._loop.create_task(self.ping())

    async def ping(self):
        await asyncio.sleep(0)
`, { rules: [danglingTask], path: 'app/heartbeat.py' });
    expect(findings.map((f) => f.line)).toEqual([10]);
  });
});

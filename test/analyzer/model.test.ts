// Unit tests of the semantic model: the answers rules build on.
import { describe, expect, it } from 'vitest';
import type { Node } from 'web-tree-sitter';
import { loadPythonParser } from '../../src/analyzer/parser.js';
import { SourceText } from '../../src/analyzer/source-text.js';
import { FACTS_QUERY, SemanticModel } from '../../src/analyzer/model/semantic-model.js';

async function modelOf(code: string): Promise<SemanticModel> {
  const parser = await loadPythonParser();
  const tree = parser.parse(code);
  return new SemanticModel(tree, new SourceText(code), 'mod', parser.query(FACTS_QUERY).matches(tree.rootNode));
}

/** The nth node (0-based) of a type whose source text is exactly `text`. */
function nodeWithText(model: SemanticModel, type: string, text: string, nth = 0): Node {
  const found: Node[] = [];
  const visit = (node: Node) => {
    if (node.type === type && node.text === text) found.push(node);
    for (const child of node.namedChildren) if (child) visit(child);
  };
  visit(model.tree.rootNode);
  if (!found[nth]) throw new Error(`no ${type} #${nth} with text ${text}`);
  return found[nth];
}

describe('producesCoroutine: methods', () => {
  it('resolves super(), inherited methods and instances of local classes', async () => {
    const model = await modelOf(`
class Base:
    async def get(self):
        pass

class Child(Base):
    async def get(self):
        super().get()
        self.inherited()

    async def inherited_caller(self):
        pass

class Other(Base):
    def run(self):
        self.get()

def use():
    client = Child()
    client.get()
    Base().get()
`);
    for (const text of ['super().get()', 'self.get()', 'client.get()', 'Base().get()']) {
      expect(model.producesCoroutine(nodeWithText(model, 'call', text)), text).toBe(true);
    }
    expect(model.producesCoroutine(nodeWithText(model, 'call', 'self.inherited()'))).toBe(false);
  });

  it('is unsure of a method a local subclass overrides with a sync def or an attribute', async () => {
    const model = await modelOf(`
class Base:
    async def start(self):
        pass

    async def stop(self):
        pass

    async def handle(self):
        pass

    def kick(self):
        self.start()
        self.stop()
        self.handle()

class SyncStart(Base):
    def start(self):
        pass

class StopAttribute(Base):
    def __init__(self):
        self.stop = None

class AsyncHandle(Base):
    async def handle(self):
        pass
`);
    expect(model.producesCoroutine(nodeWithText(model, 'call', 'self.start()'))).toBe(false);
    expect(model.producesCoroutine(nodeWithText(model, 'call', 'self.stop()'))).toBe(false);
    expect(model.producesCoroutine(nodeWithText(model, 'call', 'self.handle()'))).toBe(true);
  });
});

describe('isAsyncOnlyIterable: methods', () => {
  it('is unsure of an async generator method a local subclass overrides with a sync generator', async () => {
    const model = await modelOf(`
class Source:
    async def items(self):
        yield 1

    async def pages(self):
        yield 1

    async def drain(self):
        for item in self.items():
            pass
        for page in self.pages():
            pass

class SyncSource(Source):
    def items(self):
        yield 2
`);
    expect(model.isAsyncOnlyIterable(nodeWithText(model, 'call', 'self.items()'))).toBe(false);
    expect(model.isAsyncOnlyIterable(nodeWithText(model, 'call', 'self.pages()'))).toBe(true);
  });
});

describe('member lookup', () => {
  it('gives no name for a method hidden by an instance attribute of the same name', async () => {
    const model = await modelOf(`
class Loader:
    def __init__(self, load):
        self.load = load

    async def load(self):
        pass

    async def run(self):
        self.load()
`);
    expect(model.callee(nodeWithText(model, 'call', 'self.load()'))).toBeNull();
  });

  it('stops at a base class it cannot see, but not at inert ones', async () => {
    const model = await modelOf(`
import abc
import typing
import framework

class Local:
    async def get(self):
        pass

class UnknownFirst(framework.Mixin, Local):
    def run(self):
        self.get()

class InertFirst(abc.ABC, typing.Generic[T], Local):
    def run(self):
        self.get()

class Manager(framework.Base):
    async def __aenter__(self):
        return self

class AbstractManager(abc.ABC):
    async def __aenter__(self):
        return self

async def use():
    with Manager():
        pass
    with AbstractManager():
        pass
`);
    expect(model.callee(nodeWithText(model, 'call', 'self.get()', 0))).toBeNull();
    expect(model.callee(nodeWithText(model, 'call', 'self.get()', 1))).toBe('mod.Local.get');
    // framework.Base might define __enter__; abc.ABC does not.
    expect(model.isAsyncOnlyContextManager(nodeWithText(model, 'call', 'Manager()'))).toBe(false);
    expect(model.isAsyncOnlyContextManager(nodeWithText(model, 'call', 'AbstractManager()'))).toBe(true);
  });
});

describe('global and nonlocal', () => {
  it('counts a rebinding through `global` against the module name', async () => {
    const model = await modelOf(`
async def fetch():
    pass

async def stable():
    pass

def patch():
    global fetch
    fetch = lambda: None

def use():
    fetch()
    stable()
`);
    expect(model.callee(nodeWithText(model, 'call', 'fetch()'))).toBeNull();
    expect(model.producesCoroutine(nodeWithText(model, 'call', 'stable()'))).toBe(true);
  });

  it('counts a rebinding through `nonlocal` against the enclosing function', async () => {
    const model = await modelOf(`
import asyncio

def rebound():
    q = asyncio.Queue()

    def swap():
        nonlocal q
        q = []

    q.put(1)

def shadowed_only_inside():
    q = asyncio.Queue()

    def local():
        q = []

    q.put(2)
`);
    expect(model.callee(nodeWithText(model, 'call', 'q.put(1)'))).toBeNull();
    expect(model.callee(nodeWithText(model, 'call', 'q.put(2)'))).toBe('asyncio.Queue.put');
  });

  it('counts a `nonlocal` rebinding written before the enclosing function binds the name', async () => {
    const model = await modelOf(`
import asyncio

def outer():
    def swap():
        nonlocal q
        q = []

    q = asyncio.Queue()
    q.put(1)
`);
    expect(model.callee(nodeWithText(model, 'call', 'q.put(1)'))).toBeNull();
  });

  it('binds and looks up a `global` name in the module even when an enclosing function binds it too', async () => {
    const model = await modelOf(`
import time

async def fetch():
    pass

def outer():
    fetch = None
    time = None

    def inner():
        global fetch, time
        fetch = lambda: None
        time.sleep(1)

def use():
    fetch()
`);
    expect(model.callee(nodeWithText(model, 'call', 'fetch()'))).toBeNull();
    expect(model.callee(nodeWithText(model, 'call', 'time.sleep(1)'))).toBe('time.sleep');
  });
});

describe('types', () => {
  it('sees through parentheses holding a comment', async () => {
    const model = await modelOf(`
import asyncio

async def use():
    lock = asyncio.Lock()
    with (  # the lock guards the cache
        lock
    ):
        pass
`);
    const value = model.tree.rootNode.descendantsOfType('parenthesized_expression')[0]!;
    expect(model.typeOf(value)).toBe('asyncio.Lock');
    expect(model.isAsyncOnlyContextManager(value)).toBe(true);
  });

  it('follows a path through rebinding from itself, augmented assignment and every branch', async () => {
    const model = await modelOf(`
from pathlib import Path

async def use(x, flag):
    a = Path(x)
    a = a.with_suffix(".txt")
    b = Path(x)
    b = b / "sub"
    b = b.parent.resolve()
    c = Path(x)
    c /= "sub"
    if flag:
        d = Path(x) / "y"
    else:
        d = Path(x).with_name("z")
    e = "root" / Path(x)
    f = Path(x)
    f = f.read_text()
    g = Path(x)
    g += "sub"
    h = x
    h = h / "sub"
    i = Path(x)
    i = i.joinpath("a") if flag else i.parent
    print(a, b, c, d, e, f, g, h, i)
`);
    const typeOfUse = (name: string) => model.typeOf(nodeWithText(model, 'argument_list', '(a, b, c, d, e, f, g, h, i)').namedChildren.find((n) => n?.text === name)!);
    for (const name of ['a', 'b', 'c', 'd', 'e']) expect(typeOfUse(name), name).toBe('pathlib.Path');
    // A value that makes something else from the path, an operator a path does not keep, a start that is not a
    // path, and a conditional expression (not inferred) leave the type unknown.
    for (const name of ['f', 'g', 'h', 'i']) expect(typeOfUse(name), name).toBeNull();
  });

  it('follows an attribute rebound from itself', async () => {
    const model = await modelOf(`
from pathlib import Path

class Store:
    def __init__(self, root):
        self.root = Path(root)
        self.other = Path(root)

    def narrow(self, name):
        self.root = self.root / name
        self.other = self.other.read_text()

    async def load(self):
        self.root, self.other
`);
    expect(model.typeOf(nodeWithText(model, 'attribute', 'self.root', 3))).toBe('pathlib.Path');
    expect(model.typeOf(nodeWithText(model, 'attribute', 'self.other', 3))).toBeNull();
  });
});

describe('name binding forms', () => {
  it('scopes comprehension variables to the comprehension (and its first iterable to the code around it)', async () => {
    const model = await modelOf(`
import time

names = {time: 1 for time in range(3)}

async def use(xs, clocks):
    [time for time in xs]
    time.sleep(1)
    [time.sleep(2) for time in xs]
    list(time.sleep(3) for time in xs)
    [t for t in time.sleep(4) for time in clocks]
    [(y := time) for x in xs]
    y.sleep(5)
`);
    expect(model.callee(nodeWithText(model, 'call', 'time.sleep(1)'))).toBe('time.sleep');
    expect(model.callee(nodeWithText(model, 'call', 'time.sleep(2)'))).toBeNull();
    expect(model.callee(nodeWithText(model, 'call', 'time.sleep(3)'))).toBeNull();
    expect(model.callee(nodeWithText(model, 'call', 'time.sleep(4)'))).toBe('time.sleep');
    // A walrus in a comprehension binds in the function around it (PEP 572).
    expect(model.scopes.lookup('y', model.functions.find((fn) => fn.name === 'use')!.scope)?.bindings).toHaveLength(1);
    // The comprehension still runs in the coroutine.
    expect(model.isInCoroutine(nodeWithText(model, 'call', 'time.sleep(2)'))).toBe(true);
  });

  it('resolves default values, annotations and base classes in the scope around the definition', async () => {
    const model = await modelOf(`
import time
import asyncio

async def use():
    def helper(time=time.sleep(1), *, q: asyncio.Queue = None, asyncio=asyncio.sleep(2)) -> asyncio.Event:
        time.sleep(3)
    later = lambda time=time.sleep(4): time.sleep(5)
    def walrus(x=(y := time)):
        pass
    y.sleep(6)
    class Clock(time.struct_time):
        time = None
    return helper, later, Clock
`);
    expect(model.callee(nodeWithText(model, 'call', 'time.sleep(1)'))).toBe('time.sleep');
    expect(model.callee(nodeWithText(model, 'call', 'asyncio.sleep(2)'))).toBe('asyncio.sleep');
    expect(model.callee(nodeWithText(model, 'call', 'time.sleep(3)'))).toBeNull();
    expect(model.callee(nodeWithText(model, 'call', 'time.sleep(4)'))).toBe('time.sleep');
    expect(model.callee(nodeWithText(model, 'call', 'time.sleep(5)'))).toBeNull();
    // A walrus in a default binds in the function around the def.
    expect(model.scopes.lookup('y', model.functions.find((fn) => fn.name === 'use')!.scope)?.scope.node.type).toBe('function_definition');
    expect(model.functions.find((fn) => fn.name === 'walrus')!.scope.bindings.has('y')).toBe(false);
    expect(model.qualifiedName(nodeWithText(model, 'attribute', 'asyncio.Queue'))).toBe('asyncio.Queue');
    expect(model.qualifiedName(nodeWithText(model, 'attribute', 'asyncio.Event'))).toBe('asyncio.Event');
    expect(model.qualifiedName(nodeWithText(model, 'attribute', 'time.struct_time'))).toBe('time.struct_time');
  });

  it('counts default values, decorators and class bodies that a coroutine runs as coroutine code', async () => {
    const model = await modelOf(`
import time

async def use(register):
    def helper(pause=time.sleep(1)):
        time.sleep(2)
    later = lambda pause=time.sleep(3): time.sleep(4)
    @register(time.sleep(5))
    def registered(pause: time.sleep(6)):
        pass
    class A:
        x = time.sleep(7)
        def method(self, pause=time.sleep(8)):
            time.sleep(9)

class B:
    y = time.sleep(10)
`);
    const inCoroutine = (n: number) => model.isInCoroutine(nodeWithText(model, 'call', `time.sleep(${n})`));
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].filter(inCoroutine)).toEqual([1, 3, 5, 7, 8]);
    // `await` may be written in the coroutine's own code, not in the class body it runs.
    const mayAwait = (n: number) => model.mayAwait(nodeWithText(model, 'call', `time.sleep(${n})`));
    expect([1, 3, 5, 7, 8].filter(mayAwait)).toEqual([1, 3, 5]);
    expect(model.describeContext(nodeWithText(model, 'call', 'time.sleep(7)'))).toBe('class \`A\` in coroutine \`use\`');
    expect(model.describeContext(nodeWithText(model, 'call', 'time.sleep(10)'))).toBe('module level');
  });

  it('binds the names of match-case captures, type aliases and a parenthesized with target', async () => {
    const model = await modelOf(`
import time

async def use(obj, cm):
    match obj:
        case Point(x=a, y=b):
            a.sleep(1)
        case [c, *d]:
            c.sleep(2)
        case {"k": e, **f}:
            e.sleep(3)
        case Point() as g:
            g.sleep(4)
        case time.Clock:
            time.sleep(5)
    with (cm as h):
        h.sleep(6)
    type Alias = int
`);
    const fn = model.functions.find((f) => f.name === 'use')!;
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'Alias']) expect(fn.scope.bindings.has(name), name).toBe(true);
    // A dotted value pattern binds nothing.
    expect(fn.scope.bindings.has('time')).toBe(false);
    expect(model.callee(nodeWithText(model, 'call', 'time.sleep(5)'))).toBe('time.sleep');
  });

  it('leaves `open` unknown after a star import, which may have brought aiofiles.open', async () => {
    const model = await modelOf(`
from aiofiles import *

class A:
    @staticmethod
    def helper(x):
        return range(3)

async def use(p):
    open(p)
`);
    expect(model.callee(nodeWithText(model, 'call', 'open(p)'))).toBeNull();
    // Builtins no library replaces keep their meaning (rules read most of them to stay quiet).
    expect(model.callee(nodeWithText(model, 'call', 'range(3)'))).toBe('builtins.range');
    expect(model.typeOf(nodeWithText(model, 'identifier', 'x'))).toBeNull();
  });

  it('names what a lone star import from a known module binds, unless something else binds the name', async () => {
    const callee = async (code: string, text: string) => {
      const model = await modelOf(code);
      return model.callee(nodeWithText(model, 'call', text));
    };
    expect(await callee('from time import *\n\nasync def f():\n    sleep(1)\n', 'sleep(1)')).toBe('time.sleep');
    expect(await callee('from os.path import *\n\nasync def f(p):\n    exists(p)\n', 'exists(p)')).toBe('os.path.exists');
    // `from os import *` and `from gzip import *` bind `open` (the builtin is hidden).
    expect(await callee('from os import *\n\nasync def f(p):\n    open(p, O_RDONLY)\n', 'open(p, O_RDONLY)')).toBe('os.open');
    expect(await callee('from gzip import *\n\nasync def f(p):\n    open(p)\n', 'open(p)')).toBe('gzip.open');
    expect(await callee('from shutil import *\n\nasync def f(p):\n    rmtree(p)\n', 'rmtree(p)')).toBe('shutil.rmtree');
    expect(await callee('from asyncio import *\n\nasync def f(g):\n    run(g())\n', 'run(g())')).toBe('asyncio.run');
    expect(await callee('from time import *\n\nasync def f(sleep):\n    sleep(1)\n', 'sleep(1)')).toBeNull();
    // A later star import of a module that exports the name rebinds it; an earlier one does not.
    expect(await callee('from time import sleep\nfrom asyncio import *\n\nasync def f():\n    await sleep(1)\n', 'sleep(1)')).toBeNull();
    expect(await callee('from asyncio import *\nfrom time import sleep\n\nasync def f():\n    sleep(1)\n', 'sleep(1)')).toBe('time.sleep');
    expect(await callee('from time import sleep\nfrom mylib import *\n\nasync def f():\n    sleep(1)\n', 'sleep(1)')).toBe('time.sleep');
    // Annotated `*args` / `**kwargs` are parameters too (the splat nests inside the typed parameter).
    expect(await callee('from os import *\n\nasync def f(*system: str):\n    system("ls")\n', 'system("ls")')).toBeNull();
    expect(await callee('from os import *\n\nasync def f(**walk: int):\n    walk()\n', 'walk()')).toBeNull();
    expect(await callee('from time import *\nsleep = print\n\nasync def f():\n    sleep(1)\n', 'sleep(1)')).toBeNull();
    expect(await callee('from time import *\nfrom mylib import *\n\nasync def f():\n    sleep(1)\n', 'sleep(1)')).not.toBe('time.sleep');
    expect(await callee('from .time import *\n\nasync def f():\n    sleep(1)\n', 'sleep(1)')).not.toBe('time.sleep');
    // A name the module does not export (or rules do not ask about) keeps its meaning.
    expect(await callee('from time import *\n\nasync def f(x):\n    print(x)\n', 'print(x)')).toBeNull();
    expect(await callee('from time import *\n\nasync def f(x):\n    len(x)\n', 'len(x)')).toBe('builtins.len');
    expect(await callee('from io import *\n\nasync def f(p):\n    open(p)\n', 'open(p)')).toBe('io.open');
  });

  it('names an overloaded function after its implementation', async () => {
    const model = await modelOf(`
from typing import overload

@overload
async def get(x: int) -> int: ...
@overload
async def get(x: str) -> str: ...
async def get(x):
    return x

def use():
    get(1)
`);
    expect(model.callee(nodeWithText(model, 'call', 'get(1)'))).toBe('mod.get');
    expect(model.producesCoroutine(nodeWithText(model, 'call', 'get(1)'))).toBe(true);
  });
});

describe('attributes bound by unpacking, loops and with targets', () => {
  it('reads unpacked values element by element and leaves the other forms unknown', async () => {
    const model = await modelOf(`
import asyncio
import queue

class A:
    def __init__(self):
        self.q = asyncio.Queue()
        self.r = asyncio.Queue()
        self.s = asyncio.Queue()
        self.t = asyncio.Queue()
        self.u = asyncio.Queue()

    def rebind(self, pair, queues, cm):
        self.q, self.n = queue.Queue(), 0
        self.r, _ = pair
        for self.s in queues:
            pass
        with cm as self.t:
            pass

    def use(self):
        self.q.put(1)
        self.r.put(2)
        self.s.put(3)
        self.t.put(4)
        self.u.put(5)
`);
    for (const text of ['self.q.put(1)', 'self.r.put(2)', 'self.s.put(3)', 'self.t.put(4)']) {
      expect(model.producesCoroutine(nodeWithText(model, 'call', text)), text).toBe(false);
    }
    expect(model.producesCoroutine(nodeWithText(model, 'call', 'self.u.put(5)'))).toBe(true);
  });
});

describe('with targets', () => {
  it('types `as` targets of local classes by what __enter__ / __aenter__ return', async () => {
    const model = await modelOf(`
class Pool:
    async def __aenter__(self):
        return Connection()

class Client:
    async def __aenter__(self):
        if self.closed:
            return self
        return self

class Session:
    def __enter__(self):
        def helper():
            return None
        return self

async def use():
    async with Pool() as conn:
        conn
    async with Client() as client:
        client
    with Session() as session:
        session
`);
    const typeOfUse = (name: string) => model.typeOf(nodeWithText(model, 'identifier', name, 1));
    expect(typeOfUse('conn')).toBeNull();
    expect(typeOfUse('client')).toBe('mod.Client');
    expect(typeOfUse('session')).toBe('mod.Session');
  });
});

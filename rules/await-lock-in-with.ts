import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { defineRule } from '../src/analyzer/rule.js';
import { replaceNode } from '../src/analyzer/engine.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { isAsyncWith, WITH_QUERY } from './support/context-managers.js';

/** asyncio's locks: `async with` enters them; `with (await lock):` did until Python 3.9. */
const ASYNCIO_LOCKS: ReadonlySet<string> = new Set(['Lock', 'Semaphore', 'BoundedSemaphore', 'Condition']
  .flatMap((name) => [`asyncio.${name}`, `asyncio.locks.${name}`]));

const DEFAULTDICTS = new Set(['collections.defaultdict']);

export default defineRule({
  name: 'await-lock-in-with',
  aliases: [],
  severity: 'error',
  what: 'Reports `with (await lock):` on an asyncio lock, semaphore or condition where the project runs on Python 3.9 or later, and a plain `with` on an asyncio lock taken from a dict of them (`with self.locks[key]:` where `self.locks = defaultdict(asyncio.Lock)`, `with locks.setdefault(key, asyncio.Lock()):`), which sync-with-async-context-manager cannot see.',
  why: 'Python 3.9 removed entering an asyncio lock with `with (await lock)` (TypeError: object Lock can\'t be used in \'await\' expression), and a plain `with` on one fails at runtime (it has no `__enter__`): the lock is never taken and the block never runs.',
  bad: `import asyncio


class Cache:
    def __init__(self):
        self.lock = asyncio.Lock()

    async def refresh(self):
        with (await self.lock):
            await asyncio.sleep(0)
`,
  good: `import asyncio


class Cache:
    def __init__(self):
        self.lock = asyncio.Lock()

    async def refresh(self):
        async with self.lock:
            await asyncio.sleep(0)
`,
  fix: 'Writes `async with lock:` for `with (await lock):` (when every context manager of the statement is such a lock).',
  targetPython: '`with (await lock)` is reported only where the project may run on Python 3.9 or later (it was deprecated, and worked, before).',
  query: WITH_QUERY,
  check({ with: statement }, { model, report }) {
    if (isAsyncWith(statement)) return;
    const items = withItems(statement);
    const awaited = items.map(({ value }) => awaitedLock(value, model));
    if (model.pythonReaches([3, 9]) && awaited.some((lock) => lock !== null)) {
      const first = awaited.find((lock): lock is Node => lock !== null)!;
      const clause = statement.namedChildren.find((child) => child?.type === 'with_clause');
      const fixable = clause && awaited.every((lock) => lock !== null) && model.mayAwait(statement) && !clause.text.includes('#');
      const replacement = fixable ? `async with ${items.map(({ target }, index) => `${awaited[index]!.text}${target ? ` as ${target.text}` : ''}`).join(', ')}` : null;
      report(statement, `\`with (await ${snippet(first, 40)})\` in ${model.describeContext(statement)}: Python 3.9 removed entering an asyncio lock by awaiting it (TypeError); write \`async with ${snippet(first, 40)}:\``, {
        endNode: clause ?? undefined,
        lineFix: replacement && clause ? replaceNode(model.source, statement, clause, replacement) : undefined,
      });
      return;
    }
    for (const { value } of items) {
      const container = value.type === 'subscript' ? value.childForFieldName('value') : setdefaultReceiver(value, model);
      if (!container || !(value.type !== 'subscript' || holdsAsyncioLocks(container, model))) continue;
      report(statement, `\`with ${snippet(value, 40)}\` in ${model.describeContext(statement)} enters an asyncio lock with a plain \`with\`: it has no \`__enter__\`, so this fails at runtime; write \`async with\``, {
        endNode: statement.namedChildren.find((child) => child?.type === 'with_clause') ?? undefined,
      });
      return;
    }
  },
});

/** Each item's context manager and `as` target. */
function withItems(statement: Node): { value: Node; target: Node | null }[] {
  const clause = statement.namedChildren.find((child) => child?.type === 'with_clause');
  return (clause?.namedChildren ?? []).flatMap((item) => {
    let value = item?.type === 'with_item' ? item.childForFieldName('value') : null;
    if (value?.type === 'parenthesized_expression' && value.namedChildren.length === 1 && value.namedChildren[0]?.type === 'as_pattern') value = value.namedChildren[0];
    if (!value) return [];
    if (value.type === 'as_pattern') {
      const manager = value.namedChildren[0];
      return manager ? [{ value: manager, target: value.childForFieldName('alias') }] : [];
    }
    return [{ value, target: null }];
  });
}

/** `lock` in `(await lock)` / `await lock`, when it is an asyncio lock. */
function awaitedLock(value: Node, model: SemanticModel): Node | null {
  let expr: Node | null = value;
  while (expr?.type === 'parenthesized_expression') expr = expr.namedChildren.find((c) => c?.type !== 'comment') ?? null;
  if (expr?.type !== 'await') return null;
  const lock = expr.namedChildren.find((c) => c?.type !== 'comment');
  return lock && ASYNCIO_LOCKS.has(model.typeOf(lock) ?? '') ? lock : null;
}

/** `locks` in `locks.setdefault(key, asyncio.Lock())`: the call returns an asyncio lock. */
function setdefaultReceiver(value: Node, model: SemanticModel): Node | null {
  const fn = value.type === 'call' ? value.childForFieldName('function') : null;
  if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.text !== 'setdefault') return null;
  const args = value.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') ?? [];
  return args.length === 2 && args[1].type === 'call' && ASYNCIO_LOCKS.has(model.callee(args[1]) ?? '') ? fn.childForFieldName('object') : null;
}

/** Is every value ever assigned to the container (a local name or `self.NAME`) a dict of asyncio locks:
 *  `defaultdict(asyncio.Lock)`, `{key: asyncio.Lock() for key in keys}`? */
function holdsAsyncioLocks(container: Node, model: SemanticModel): boolean {
  const values = assignedValues(container, model);
  return values !== null && values.length > 0 && values.every((value) => makesLockDict(value, model));
}

function assignedValues(container: Node, model: SemanticModel): Node[] | null {
  if (container.type === 'identifier') {
    const found = model.scopes.lookup(container.text, model.scopes.scopeOf(container));
    if (!found || found.scope.kind === 'class') return null;
    const values: Node[] = [];
    for (const binding of found.bindings) {
      if (binding.kind !== 'value' || binding.via !== 'assign' || !binding.value) return null;
      values.push(binding.value);
    }
    return values;
  }
  if (container.type === 'attribute') {
    const object = container.childForFieldName('object');
    const name = container.childForFieldName('attribute')?.text;
    const fn = object ? model.enclosingFunction(object) : null;
    const cls = fn?.ownerClass;
    if (!cls || !name || object?.type !== 'identifier' || object.text !== fn?.firstParameter || cls.opaqueAttributes.has(name)) return null;
    return cls.attributeValues.get(name) ?? null;
  }
  return null;
}

function makesLockDict(value: Node, model: SemanticModel): boolean {
  if (value.type === 'call' && DEFAULTDICTS.has(model.callee(value) ?? '')) {
    const factory = value.childForFieldName('arguments')?.namedChildren.find((c) => c?.type !== 'comment');
    return !!factory && ASYNCIO_LOCKS.has(model.qualifiedName(factory) ?? '');
  }
  if (value.type === 'dictionary_comprehension') {
    const pair = value.childForFieldName('body');
    const lock = pair?.childForFieldName('value');
    return lock?.type === 'call' && ASYNCIO_LOCKS.has(model.callee(lock) ?? '');
  }
  return false;
}

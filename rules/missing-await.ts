import type { Node } from 'web-tree-sitter';
import { VALUE_USE_QUERY } from './support/value-use.js';
import { defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { isUnreadLocal } from './support/locals.js';
import { misuseOfLocal } from './support/misused-value.js';
import { lastPart, type SemanticModel } from '../src/analyzer/model/semantic-model.js';

/** Where `await` would change what the surrounding code means (an async generator expression) or is invalid. */
const AWAIT_HOSTILE = new Set(['generator_expression', 'lambda']);

export default defineRule({
  name: 'missing-await',
  aliases: ['ASYNC105'],
  severity: 'error',
  what: 'Reports a call to a coroutine function whose coroutine is thrown away (the call is a whole statement, its coroutine is assigned to a local variable nothing reads, or to one that is then only used as the value it would produce (`page = fetch(url)`, then `page["id"]`, `page.json()`, `for row in page`, `if page:`, `print(page)`, `len(page)`, `f"{page}"`; a variable also awaited, returned, stored or handed to another call is left alone), or it is the default of a mapping\'s `.get()` / `.pop()` / `.setdefault()`, dropped when the key is there), unpacked (`a, b = fetch()`: TypeError) or used as a truth value (`if`, `while`, `not`, `and`/`or`, `assert`), in async and sync code. Coroutine functions of other modules of the project count too (see "Across modules" in the README); the message then says where the function is defined.',
  why: 'Calling a coroutine function only creates a coroutine object: its body never runs until the coroutine is awaited, and Python merely warns "coroutine was never awaited" when it is garbage-collected. A coroutine object is always true, so a test on it never fails.',
  bad: `import asyncio


async def save(record):
    await asyncio.sleep(0.1)
    return True


async def handle(record):
    save(record)
    if save(record):
        print("saved")
`,
  good: `import asyncio


async def save(record):
    await asyncio.sleep(0.1)
    return True


async def handle(record):
    await save(record)
    if await save(record):
        print("saved")
`,
  fix: 'Inside a coroutine, prefixes the call with `await`.',
  note: 'Coroutine functions are those the module defines (`async def`, methods through `self`, `cls` and `super()`) and the async libraries\' coroutines that their tables list (`asyncio`, `aiohttp`, `httpx`, `asyncpg`, `aiosqlite`, `aiodocker`, `redis.asyncio`, `motor`, `anyio`, `trio`...). A library method is found through the type of what it is called on: a variable made by a constructor or factory (`session = aiohttp.ClientSession()`), an annotated parameter or local (`session: aiohttp.ClientSession`), or an attribute, assigned in any method (`self._session = aiohttp.ClientSession()` in `__init__`, then `self._session.close()` in `stop()`) or declared by an annotation (`_pool: asyncpg.Pool` in the class body, `self._redis: redis.Redis | None = None`; `Optional[...]` and string forward references too), or a property (by its return annotation or its returns, also through several: `self.client.session.close()`). An attribute assigned different types, or also something unknown, has no type, and the rule stays silent on it; so does a method of a class it cannot see.',
  query: VALUE_USE_QUERY,
  check({ discarded, container, test, conditional, name: target, assigned, unpacked, default: fallback, 'default.method': lookup }, { model, report }) {
    const reportCall = (call: Node, usedAsTruthValue: boolean, unreadVariable?: string) => {
      if (!model.producesCoroutine(call)) return;
      const name = snippet(call.childForFieldName('function') ?? call, 40);
      const lost = usedAsTruthValue
        ? `the coroutine \`${callSnippet(call)}\` is tested as a truth value (always true) but never awaited: \`${name}\` never runs`
        : unreadVariable
          ? `the coroutine \`${callSnippet(call)}\` is assigned to \`${unreadVariable}\`, which nothing reads, and never awaited: \`${name}\` never runs`
          : `the coroutine \`${callSnippet(call)}\` is created but never awaited: \`${name}\` never runs`;
      const fixable = model.mayAwait(call) && !insideAwaitHostileExpression(call);
      const elsewhere = definedElsewhere(call, model);
      const remedy = fixable ? `write \`await ${callSnippet(call)}\`` : 'await it from a coroutine, or hand it to asyncio.run() / a task';
      report(call, `${lost} (${model.describeContext(call)}${elsewhere}); ${remedy}`, {
        replacement: fixable ? `await ${call.text}` : undefined,
      });
    };
    // `a, b = fetch_pair()`: unpacking the coroutine object raises TypeError; the coroutine never runs.
    if (unpacked) {
      if (model.producesCoroutine(unpacked)) {
        const fixable = model.mayAwait(unpacked) && !insideAwaitHostileExpression(unpacked);
        report(unpacked, `the coroutine \`${callSnippet(unpacked)}\` is unpacked without being awaited: unpacking a coroutine raises TypeError and \`${snippet(unpacked.childForFieldName('function') ?? unpacked, 40)}\` never runs (${model.describeContext(unpacked)}${definedElsewhere(unpacked, model)}); ${fixable ? `write \`await ${callSnippet(unpacked)}\`` : 'await it from a coroutine'}`, {
          replacement: fixable ? `await ${unpacked.text}` : undefined,
        });
      }
      return;
    }
    // `cache.get(key, fetch(key))`: the default is made before the lookup, and dropped when the key is there.
    if (fallback && lookup) {
      if (model.producesCoroutine(fallback)) {
        report(fallback, `the coroutine \`${callSnippet(fallback)}\` is made as the default of \`.${lookup.text}()\` and dropped without being awaited whenever the key is found: \`${snippet(fallback.childForFieldName('function') ?? fallback, 40)}\` then never runs (${model.describeContext(fallback)}${definedElsewhere(fallback, model)}); look the key up first and await the coroutine only when it is missing`);
      }
      return;
    }
    // Kept only in a local variable nothing reads (`_`-names say "unused on purpose", as mypy and pyright agree).
    if (assigned && target) {
      // Whether it makes a coroutine is the cheap question (cached): ask it before reading the whole function.
      if (assigned.type !== 'call' || target.text.startsWith('_') || !model.producesCoroutine(assigned)) return;
      if (isUnreadLocal(target, model)) {
        reportCall(assigned, false, target.text);
        return;
      }
      // `result = fetch()`, then only `result["id"]`, `result.json()`, `for row in result`, `print(result)`: the
      // code uses the coroutine as the value it would produce.
      const misuse = misuseOfLocal(target, model);
      if (!misuse) return;
      const fixable = model.mayAwait(assigned) && !insideAwaitHostileExpression(assigned);
      const name = snippet(assigned.childForFieldName('function') ?? assigned, 40);
      report(assigned, `the coroutine \`${callSnippet(assigned)}\` is assigned to \`${target.text}\`, which is then ${misuse.how} (\`${snippet(misuse.node, 40)}\`, line ${misuse.node.startPosition.row + 1}) as if it held the result: it is never awaited, so \`${name}\` never runs (${model.describeContext(assigned)}${definedElsewhere(assigned, model)}); ${fixable ? `write \`${target.text} = await ${callSnippet(assigned)}\`` : 'await it from a coroutine'}`, {
        replacement: fixable ? `await ${assigned.text}` : undefined,
      });
      return;
    }
    const tested = test ?? conditional?.namedChildren.filter((child) => child?.type !== 'comment')[1];
    const thrownAway = discarded ?? container;
    const lost = thrownAway ? lostCalls(thrownAway, true) : tested ? lostCalls(tested, false) : [];
    for (const { call, tested: truthTested } of lost) reportCall(call, truthTested);
  },
});

/** The calls in `expr` whose coroutine is lost when `expr` is tested for truth (or, with `discarded`, thrown
 *  away as a statement): `a()`, `not a()`, `a() or b()`, `(a())`. In a statement `x and f()`, `f()` is
 *  thrown away rather than tested. */
function lostCalls(expr: Node, discarded: boolean): { call: Node; tested: boolean }[] {
  switch (expr.type) {
    case 'call': return [{ call: expr, tested: !discarded }];
    case 'parenthesized_expression': return expr.namedChildren.flatMap((child) => (child && child.type !== 'comment' ? lostCalls(child, discarded) : []));
    case 'conditional_expression': {
      // As a statement both branches are thrown away (the condition is tested, and reported as such elsewhere).
      if (!discarded) return [];
      const [body, , alternative] = expr.namedChildren.filter((child): child is Node => !!child && child.type !== 'comment');
      return [...(body ? lostCalls(body, true) : []), ...(alternative ? lostCalls(alternative, true) : [])];
    }
    case 'boolean_operator': {
      // `a or b or c` nests to the left: walk the chain in a loop, since generated code can hold thousands of
      // terms (Python flattens them) and one recursive call per term overflows the stack.
      const rights: Node[] = [];
      let left: Node | null = expr;
      while (left?.type === 'boolean_operator') {
        const right = left.childForFieldName('right');
        if (right) rights.push(right);
        left = left.childForFieldName('left');
      }
      const lost = left ? lostCalls(left, false) : [];
      // Only the outermost right operand is thrown away with the statement; every other operand is tested.
      for (let i = rights.length - 1; i >= 0; i--) lost.push(...lostCalls(rights[i], i === 0 ? discarded : false));
      return lost;
    }
    case 'not_operator': {
      const argument = expr.childForFieldName('argument');
      return argument ? lostCalls(argument, false) : [];
    }
    default: return [];
  }
}

/** `; \`fetch_invoice\` is a coroutine function, billing/db.py:12` for a callee defined in another module. */
function definedElsewhere(call: Node, model: SemanticModel): string {
  const callee = model.callee(call);
  const where = callee ? model.definedElsewhere(callee) : null;
  return where ? `; \`${lastPart(callee!)}\` is a coroutine function, ${where}` : '';
}

/** Is the call inside a generator expression or lambda within its function, where `await` changes meaning? */
function insideAwaitHostileExpression(call: Node): boolean {
  for (let node = call.parent; node && node.type !== 'function_definition'; node = node.parent) {
    if (AWAIT_HOSTILE.has(node.type)) return true;
  }
  return false;
}

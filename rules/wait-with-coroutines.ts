import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { replaceNode } from '../src/analyzer/engine.js';
import { callSnippet } from './support/calls.js';
import { calledLastName } from './support/called-last-name.js';

const WAIT = new Set(['asyncio.wait', 'asyncio.tasks.wait']);

const DISPLAYS = new Set(['list', 'set', 'tuple']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'generator_expression']);

export default defineRule({
  name: 'wait-with-coroutines',
  aliases: [],
  severity: 'error',
  what: 'Reports `asyncio.wait()` given coroutines (a list, set or tuple holding calls of coroutine functions, a comprehension or generator of them, or a local variable holding one) where the project runs on Python 3.11 or later.',
  why: 'Since Python 3.11 `asyncio.wait()` raises TypeError ("Passing coroutines is forbidden, use tasks explicitly"); before, it wrapped them in tasks silently, so the `done` and `pending` sets never held the coroutines the caller had and could not be compared with them.',
  bad: `import asyncio


async def fetch(url):
    await asyncio.sleep(0.1)
    return url


async def fetch_first(urls):
    done, pending = await asyncio.wait([fetch(url) for url in urls], return_when=asyncio.FIRST_COMPLETED)
    return done
`,
  good: `import asyncio


async def fetch(url):
    await asyncio.sleep(0.1)
    return url


async def fetch_first(urls):
    done, pending = await asyncio.wait([asyncio.create_task(fetch(url)) for url in urls], return_when=asyncio.FIRST_COMPLETED)
    return done
`,
  fix: 'Wraps each coroutine call written in the argument itself in `asyncio.create_task(...)` (inside a coroutine, with `asyncio` imported as a module).',
  targetPython: 'Reported only where the project may run on Python 3.11 or later (its requires-python does not stop below 3.11).',
  query: CALL_QUERY,
  mentions: /\bwait\b/,
  check({ call, function: fn }, { model, report }) {
    if (calledLastName(call, fn, model) !== 'wait' || !WAIT.has(model.callee(call) ?? '') || !model.pythonReaches([3, 11])) return;
    const argument = awaitablesArgument(call);
    if (!argument) return;
    const inline = coroutineCalls(argument, model);
    const held = inline ?? heldByVariable(argument, model);
    if (!held || held.length === 0) return;
    const asyncio = model.moduleAlias('asyncio', call);
    const fixable = inline !== null && asyncio !== null && model.mayAwait(call);
    const wrapper = `${asyncio}.${model.pythonHas([3, 7]) ? 'create_task' : 'ensure_future'}`;
    const lineFix = fixable ? replaceNode(model.source, argument, argument, wrapped(argument, held, wrapper, model)) : undefined;
    const where = inline ? '' : ` (through \`${argument.text}\`)`;
    report(argument, `\`asyncio.wait()\` is given coroutines${where} such as \`${callSnippet(held[0], 40)}\` in ${model.describeContext(call)}: since Python 3.11 it raises TypeError ("Passing coroutines is forbidden, use tasks explicitly"); wrap each in \`asyncio.create_task()\``, { lineFix });
  },
});

/** The `fs` argument: the first positional one, or `fs=`. */
function awaitablesArgument(call: Node): Node | null {
  const args = call.childForFieldName('arguments');
  if (args?.type === 'generator_expression') return args; // `asyncio.wait(f(x) for x in xs)`
  for (const arg of args?.namedChildren ?? []) {
    if (!arg || arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') {
      if (arg.childForFieldName('name')?.text === 'fs') return arg.childForFieldName('value');
      continue;
    }
    return arg.type === 'list_splat' || arg.type === 'dictionary_splat' ? null : arg;
  }
  return null;
}

/** The coroutine calls an expression written in place holds: the elements of a display that are calls of
 *  coroutine functions, or the element of a comprehension when it is one. Null for any other expression. */
function coroutineCalls(expr: Node, model: SemanticModel): Node[] | null {
  if (expr.type === 'parenthesized_expression') {
    const inner = expr.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    return inner.length === 1 ? coroutineCalls(inner[0], model) : null;
  }
  if (DISPLAYS.has(expr.type)) {
    return expr.namedChildren.filter((c): c is Node => !!c && c.type === 'call' && model.producesCoroutine(c));
  }
  if (COMPREHENSIONS.has(expr.type)) {
    const body = expr.childForFieldName('body');
    return body?.type === 'call' && model.producesCoroutine(body) ? [body] : [];
  }
  return null;
}

/** `coros = [fetch(u) for u in urls]` then `asyncio.wait(coros)`: the coroutine calls of the one value a local
 *  name is ever assigned (in its own scope), written as a display or comprehension. */
function heldByVariable(expr: Node, model: SemanticModel): Node[] | null {
  if (expr.type !== 'identifier') return null;
  const found = model.scopes.lookup(expr.text, model.scopes.scopeOf(expr));
  if (!found || found.scope.kind !== 'function' || found.bindings.length !== 1) return null;
  const [binding] = found.bindings;
  if (binding.kind !== 'value' || binding.via !== 'assign' || !binding.value) return null;
  const written = coroutineCalls(binding.value, model);
  if (written === null || !onlyFilledAndWaitedOn(expr.text, binding.node, found.scope.node, model)) return null;
  // `coros = []` then `coros.append(fetch(u))` in a loop.
  const added = found.scope.node.descendantsOfType('call').filter((call): call is Node => {
    const fn = call?.childForFieldName('function');
    if (fn?.type !== 'attribute' || !['append', 'add'].includes(fn.childForFieldName('attribute')?.text ?? '')) return false;
    const object = fn.childForFieldName('object');
    if (object?.type !== 'identifier' || object.text !== expr.text || model.scopes.scopeOf(object) !== found.scope) return false;
    const args = call!.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
    return args.length === 1 && args[0]?.type === 'call' && model.producesCoroutine(args[0]);
  }).map((call) => call.childForFieldName('arguments')!.namedChildren.find((c) => c?.type === 'call')!);
  return [...written, ...added];
}

/** Is every other mention of the local in its function one that leaves its elements as they are: `name.append(x)`
 *  / `name.add(x)`, `len(name)`, a truth test (`if name:`), or an argument of `asyncio.wait()`? Anything else
 *  (`name[i] = asyncio.ensure_future(name[i])`, `name.clear()`, passing it on) may replace the coroutines. */
function onlyFilledAndWaitedOn(name: string, bound: Node, scope: Node, model: SemanticModel): boolean {
  return scope.descendantsOfType('identifier').every((identifier) => {
    if (!identifier || identifier.text !== name || identifier.equals(bound)) return true;
    const parent = identifier.parent;
    if (parent?.type === 'attribute') {
      if (parent.childForFieldName('attribute')?.equals(identifier)) return true; // `x.name`
      return ['append', 'add'].includes(parent.childForFieldName('attribute')?.text ?? '') && parent.parent?.type === 'call';
    }
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.equals(identifier)) return true;
    if (['if_statement', 'while_statement', 'elif_clause', 'not_operator', 'boolean_operator'].includes(parent?.type ?? '')) return true;
    const call = parent?.type === 'argument_list' ? parent.parent : parent?.type === 'keyword_argument' ? parent.parent?.parent : null;
    if (call?.type !== 'call') return false;
    const callee = model.callee(call);
    return callee === 'builtins.len' || WAIT.has(callee ?? '');
  });
}

/** The argument's text with each coroutine call wrapped in `wrapper(...)`. */
function wrapped(argument: Node, calls: Node[], wrapper: string, model: SemanticModel): string {
  const text = model.source.text;
  let result = '';
  let at = argument.startIndex;
  for (const call of [...calls].sort((a, b) => a.startIndex - b.startIndex)) {
    result += `${text.slice(at, call.startIndex)}${wrapper}(${call.text})`;
    at = call.endIndex;
  }
  return result + text.slice(at, argument.endIndex);
}

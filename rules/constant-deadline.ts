import type { Node } from 'web-tree-sitter';
import type { SemanticModel } from '../src/analyzer/model/semantic-model.js';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { replaceNode } from '../src/analyzer/engine.js';
import { calledLastName } from './support/called-last-name.js';

/** Calls taking an absolute deadline on the event loop's clock first, with the relative form to use instead. */
const DEADLINE_CALLS: ReadonlyMap<string, string> = new Map([
  ['asyncio.timeout_at', 'timeout'],
  ['asyncio.timeouts.timeout_at', 'timeout'],
  ['asyncio.AbstractEventLoop.call_at', 'call_later'],
  ['trio.move_on_at', 'move_on_after'],
  ['trio.fail_at', 'fail_after'],
  ['trio.sleep_until', 'sleep'],
  ['anyio.sleep_until', 'sleep'],
]);

const DEADLINE_NAMES: ReadonlySet<string> = new Set([...DEADLINE_CALLS.keys()].map((name) => name.slice(name.lastIndexOf('.') + 1)));

/** The loop's clock (time.monotonic() on CPython) counts from an arbitrary point, seconds since boot on Linux: a
 *  machine that has been up for a day is past any deadline below this. Larger constants may be deliberate
 *  stand-ins for "never" (1e12). */
const SURELY_PASSED = 86_400;

export default defineRule({
  name: 'constant-deadline',
  aliases: [],
  severity: 'error',
  what: 'Reports a positive number literal (or a module constant holding one, below a day\'s worth of seconds) passed as the absolute deadline of `asyncio.timeout_at()`, `loop.call_at()`, `trio.move_on_at()`, `trio.fail_at()`, `trio.sleep_until()` or `anyio.sleep_until()`.',
  why: 'These take a point in time on the event loop\'s clock (`loop.time()`, `trio.current_time()`), which starts at an arbitrary moment (seconds since boot on Linux), not a duration: a deadline such as `5` has long passed, so the timeout fires at once or the callback runs immediately.',
  bad: `import asyncio


async def fetch(reader):
    async with asyncio.timeout_at(5):
        return await reader.read()
`,
  good: `import asyncio


async def fetch(reader):
    async with asyncio.timeout(5):
        return await reader.read()
`,
  fix: 'Calls the relative form with the same number (`asyncio.timeout`, `loop.call_later`, `trio.move_on_after`, `trio.fail_after`, `trio.sleep`, `anyio.sleep`) when the function is written as an attribute (`asyncio.timeout_at`) and the deadline is passed by position.',
  query: CALL_QUERY,
  mentions: /\b(?:timeout_at|call_at|move_on_at|fail_at|sleep_until)\b/,
  check({ call, function: called }, { model, report }) {
    if (!DEADLINE_NAMES.has(calledLastName(call, called, model) ?? '')) return;
    const callee = model.callee(call);
    const relative = callee ? DEADLINE_CALLS.get(callee) : undefined;
    if (!relative) return;
    const deadline = firstArgument(call);
    const value = deadline ? constantValue(deadline, model) : null;
    if (value === null || value <= 0 || value >= SURELY_PASSED) return;
    const fn = call.childForFieldName('function');
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute') : null;
    // Keyword arguments are named differently in the relative forms (`when=` / `delay=`): positional ones only.
    const positional = deadline!.parent?.type === 'argument_list';
    const replacement = fn && name && positional ? `${fn.text.slice(0, name.startIndex - fn.startIndex)}${relative}` : undefined;
    report(deadline!, `\`${snippet(deadline!, 30)}\` is passed to \`${snippet(fn ?? call, 40)}()\` as an absolute deadline on the loop's clock, which counts from an arbitrary start (seconds since boot): it has already passed, so this fires at once (${model.describeContext(call)}); use \`${relative}(${snippet(deadline!, 30)})\`, or add the loop's current time`, {
      lineFix: replacement !== undefined && fn ? replaceNode(model.source, fn, fn, replacement) : undefined,
    });
  },
});

function firstArgument(call: Node): Node | null {
  const args = call.childForFieldName('arguments');
  const first = args?.namedChildren.find((c) => c?.type !== 'comment');
  if (!first) return null;
  if (first.type === 'keyword_argument') {
    const named = args!.namedChildren.find((c) => c?.type === 'keyword_argument' && ['when', 'deadline'].includes(c.childForFieldName('name')?.text ?? ''));
    return named?.childForFieldName('value') ?? null;
  }
  return first.type === 'list_splat' || first.type === 'dictionary_splat' ? null : first;
}

/** The number a literal (or a module-level name bound once to a literal) holds. */
function constantValue(expr: Node, model: SemanticModel): number | null {
  if (expr.type === 'integer' || expr.type === 'float') {
    const value = Number(expr.text.replace(/_/g, ''));
    return Number.isFinite(value) ? value : null;
  }
  if (expr.type !== 'identifier') return null;
  const found = model.scopes.lookup(expr.text, model.scopes.scopeOf(expr));
  if (!found || found.scope.kind !== 'module' || found.bindings.length !== 1) return null;
  const [binding] = found.bindings;
  return binding.kind === 'value' && binding.value && (binding.value.type === 'integer' || binding.value.type === 'float') ? constantValue(binding.value, model) : null;
}

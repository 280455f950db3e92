import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';

/** Where `await` would change what the surrounding code means (an async generator expression) or is invalid. */
const AWAIT_HOSTILE = new Set(['generator_expression', 'lambda']);

export default defineRule({
  name: 'missing-await',
  aliases: [],
  severity: 'error',
  what: 'Reports a call to a coroutine function whose coroutine is thrown away (the call is a whole statement) or used as a truth value (`if`, `while`, `not`, `and`/`or`, `assert`), in async and sync code.',
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
  query: `
(expression_statement (call) @discarded)
(expression_statement (boolean_operator) @test)
(if_statement condition: (_) @test)
(elif_clause condition: (_) @test)
(while_statement condition: (_) @test)
(not_operator argument: (_) @test)
(assert_statement . (_) @test)
(if_clause (_) @test)
(conditional_expression) @conditional
`,
  check({ discarded, test, conditional }, { model, report }) {
    const reportCall = (call: Node, usedAsTruthValue: boolean) => {
      if (!model.producesCoroutine(call)) return;
      const name = snippet(call.childForFieldName('function') ?? call, 40);
      const lost = usedAsTruthValue
        ? `the coroutine \`${callSnippet(call)}\` is tested as a truth value (always true) but never awaited: \`${name}\` never runs`
        : `the coroutine \`${callSnippet(call)}\` is created but never awaited: \`${name}\` never runs`;
      const fixable = model.isInCoroutine(call) && !insideAwaitHostileExpression(call);
      const remedy = fixable ? `write \`await ${callSnippet(call)}\`` : 'await it from a coroutine, or hand it to asyncio.run() / a task';
      report(call, `${lost} (${model.describeContext(call)}); ${remedy}`, {
        replacement: fixable ? `await ${call.text}` : undefined,
      });
    };
    if (discarded) reportCall(discarded, false);
    if (test) for (const call of truthTestedCalls(test)) reportCall(call, true);
    if (conditional) {
      const condition = conditional.namedChildren.filter((child) => child?.type !== 'comment')[1];
      if (condition) for (const call of truthTestedCalls(condition)) reportCall(call, true);
    }
  },
});

/** The calls whose value is tested for truth (or thrown away) when `expr` is: `a()`, `not a()`, `a() or b()`,
 *  `(a())`. A statement `x and f()` throws `f()`'s value away, which counts the same. */
function truthTestedCalls(expr: Node): Node[] {
  switch (expr.type) {
    case 'call': return [expr];
    case 'parenthesized_expression': return expr.namedChildren.flatMap((child) => (child && child.type !== 'comment' ? truthTestedCalls(child) : []));
    case 'boolean_operator': return [expr.childForFieldName('left'), expr.childForFieldName('right')].flatMap((side) => (side ? truthTestedCalls(side) : []));
    case 'not_operator': {
      const argument = expr.childForFieldName('argument');
      return argument ? truthTestedCalls(argument) : [];
    }
    default: return [];
  }
}

/** Is the call inside a generator expression or lambda within its function, where `await` changes meaning? */
function insideAwaitHostileExpression(call: Node): boolean {
  for (let node = call.parent; node && node.type !== 'function_definition'; node = node.parent) {
    if (AWAIT_HOSTILE.has(node.type)) return true;
  }
  return false;
}

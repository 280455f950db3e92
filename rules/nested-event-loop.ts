import type { Node } from 'web-tree-sitter';
import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { awaitReplacement, snippet } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { LOOP_STARTERS } from '../src/analyzer/model/known-apis.js';
import { describeChain } from './blocking-via-helper.js';

export default defineRule({
  name: 'nested-event-loop',
  aliases: [],
  severity: 'error',
  scope: 'coroutine',
  what: 'Reports `asyncio.run()`, `loop.run_until_complete()` and `loop.run_forever()` called inside a coroutine, directly or through a sync helper of the project (in this module or an imported one) that starts the loop without checking for a running one; the message names the helper and where the loop starts.',
  why: 'A coroutine already runs on an event loop, and asyncio cannot start a loop while another runs in the same thread: the call raises RuntimeError ("cannot be called from a running event loop") and the coroutine passed to it is never awaited.',
  bad: `import asyncio


async def fetch():
    await asyncio.sleep(1)


async def main():
    asyncio.run(fetch())
`,
  good: `import asyncio


async def fetch():
    await asyncio.sleep(1)


async def main():
    await fetch()
`,
  fix: 'Replaces `asyncio.run(coro)` / `loop.run_until_complete(coro)` with `await coro` when the call has exactly that one argument.',
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const starter = LOOP_STARTERS.get(model.callee(call) ?? '');
    if (!starter) {
      // A sync helper of the project (here or in another module) that starts a loop.
      if (!model.isInCoroutine(call)) return;
      const chain = model.loopChain(call);
      if (!chain || model.importsFrom('nest_asyncio')) return;
      report(call, `\`${callSnippet(call)}\` starts an event loop inside ${model.describeContext(call)}, which already runs on one: ${describeChain(chain)}; it raises RuntimeError: await the coroutine the helper runs instead`);
      return;
    }
    if (!model.isInCoroutine(call) || model.importsFrom('nest_asyncio')) return;
    const awaited = starter.awaitsArgument ? soleArgument(call) : null;
    const instead = awaited ? `write \`await ${awaited.type === 'call' ? callSnippet(awaited, 40) : snippet(awaited, 40)}\`` : 'await the work itself (or run that loop in another thread)';
    report(call, `\`${callSnippet(call)}\` starts an event loop inside ${model.describeContext(call)}, which already runs on one: it raises RuntimeError; ${instead}`, {
      replacement: (awaited && awaitReplacement(call, awaited, model)) || undefined,
    });
  },
});

/** The only argument of a call when it is a single positional expression (no keywords, no unpacking). */
function soleArgument(call: Node): Node | null {
  const args = call.childForFieldName('arguments');
  const named = args?.type === 'argument_list' ? args.namedChildren.filter((child) => child?.type !== 'comment') : [];
  const only = named.length === 1 ? named[0] : null;
  if (!only || ['keyword_argument', 'list_splat', 'dictionary_splat', 'parenthesized_expression'].includes(only.type)) return null;
  return only;
}

import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { offloadAdvice, offloadReplacement, passesKeywords } from '../src/analyzer/rule-helpers.js';
import { lastPart } from '../src/analyzer/model/semantic-model.js';
import type { CallChain } from '../src/analyzer/project/project-index.js';
import { callSnippet } from './support/calls.js';

export default defineRule({
  name: 'blocking-via-helper',
  aliases: [],
  severity: 'warning',
  blocksTheLoop: true,
  defaultEnabled: false,
  scope: 'coroutine',
  what: 'Reports a coroutine calling a sync function of the project (in this module or another) that blocks, itself or through a short chain of helpers: one that sleeps, reads files, waits for a subprocess, the network or a database as the blocking-* rules know them. The message shows the chain and where the blocking call is.',
  why: 'A blocking call one function away blocks the event loop just as much as one written in the coroutine: every other task, request and timer waits until it returns. The helper looks harmless at the call site, which is why such bugs survive review.',
  bad: `import asyncio
import time


def backoff(attempt):
    time.sleep(2 ** attempt)


def sync_totals(attempt):
    backoff(attempt)
    return 0


async def report(attempt):
    return sync_totals(attempt)
`,
  good: `import asyncio
import time


def backoff(attempt):
    time.sleep(2 ** attempt)


def sync_totals(attempt):
    backoff(attempt)
    return 0


async def report(attempt):
    return await asyncio.to_thread(sync_totals, attempt)
`,
  fix: 'Runs the helper in a worker thread, `await asyncio.to_thread(helper, ...)` (`loop.run_in_executor` before Python 3.9, `trio.to_thread.run_sync` / `anyio.to_thread.run_sync` in trio and anyio code), when that is a drop-in.',
  targetPython: 'Before Python 3.9 the fix uses `loop.run_in_executor(None, helper, ...)` and is offered only when the call passes no keyword arguments.',
  note: 'Off by default: on real code maintainers accepted none of the first 7 findings, and none of 8 more on the application corpus (6 rejected, 2 debatable: startup-only database upgrades, `ip neigh`, a debug profiler\'s `ps`, a sequential polling daemon). A helper that may block only on some calls (behind an `if`, in a loop body, after an error) is no longer counted; what remained was blocking that maintainers keep on purpose and judge too short to matter (starting a process with `Popen`, one `pg_ctl status` in a test-cluster helper). Whether a helper blocks for long depends on its arguments and environment, which the code rarely says. Turn it on (`rules: {blocking-via-helper: warning}`) to audit a codebase for blocking one call away. The helper\'s own module, and the modules the checked files import (a few levels deep), are read; a helper defined anywhere else is unknown, and unknown stays silent. Only undecorated sync functions (or those with decorators that keep calling them a plain call, such as `functools.lru_cache`) count, and a chain is followed through at most three helpers. On by default in modules that import `homeassistant`, whose runtime detects blocking calls made in its loop wherever they are (the library table\'s `enforces`).',
  query: CALL_QUERY,
  check({ call, function: fn }, { model, report }) {
    if (!model.isInCoroutine(call) || call.parent?.type === 'await') return;
    const chain = model.blockingChain(call);
    if (!chain) return;
    const args = call.childForFieldName('arguments')?.namedChildCount ? ['...'] : [];
    report(call, `\`${callSnippet(call)}\` blocks the event loop in ${model.describeContext(call)}: ${describeChain(chain)}; run it in a worker thread, ${offloadAdvice(model, call, fn.text, args, passesKeywords(call))}`, {
      replacement: offloadReplacement(call, model) ?? undefined,
    });
  },
});

/** `sync_totals() → backoff() → time.sleep() (billing/retry.py:8)`. */
export function describeChain(chain: CallChain): string {
  const steps = [...chain.helpers.map((name) => `${lastPart(name)}()`), `${chain.call.replace(/^builtins\./, '')}()`];
  return `${steps.join(' → ')} (${chain.path}:${chain.line})`;
}

import { defineRule } from '../src/analyzer/rule.js';
import { awaitReplacement } from '../src/analyzer/rule-helpers.js';
import { callSnippet } from './support/calls.js';
import { VALUE_USE_QUERY } from './support/value-use.js';

/** Calls that return a Future (not a coroutine: those are missing-await's) whose work starts at once, so
 *  throwing the Future away loses the outcome, not the work; what each one loses, for the message. */
const FUTURE_RETURNING: ReadonlyMap<string, 'gather' | 'shield' | 'executor'> = new Map([
  ['asyncio.gather', 'gather'],
  ['asyncio.tasks.gather', 'gather'],
  ['asyncio.shield', 'shield'],
  ['asyncio.tasks.shield', 'shield'],
  ['asyncio.AbstractEventLoop.run_in_executor', 'executor'],
]);

const LAST_NAMES: ReadonlySet<string> = new Set([...FUTURE_RETURNING.keys()].map((name) => name.slice(name.lastIndexOf('.') + 1)));

const CONSEQUENCE = {
  gather: 'its awaitables are scheduled as tasks nothing waits for, so the code goes on before they finish and their exceptions are never retrieved',
  shield: 'the shielded task runs with nothing waiting for it or holding it (the loop keeps only a weak reference), and shielding only matters to an `await`',
  executor: 'the job runs in the executor with nothing waiting for it, so the code goes on before it finishes and its exception is never retrieved',
} as const;

export default defineRule({
  name: 'unused-awaitable',
  aliases: [],
  severity: 'warning',
  what: 'Reports a call of `asyncio.gather()`, `asyncio.shield()` or `loop.run_in_executor()` whose Future is thrown away as a whole statement, in async and sync code; `run_in_executor` only in a coroutine (a synchronous callback, such as a GUI handler, runs its background jobs that way on purpose). (Coroutine functions such as `asyncio.sleep()` and `asyncio.wait_for()` are `missing-await`\'s.)',
  why: 'These calls start their work at once and return a Future for its outcome: a statement that drops the Future neither waits for the work nor ever sees its exception (at best "Future exception was never retrieved" in the log), which is almost always a forgotten `await`. mypy reports it as `unused-awaitable`.',
  bad: `import asyncio


async def save(record):
    await asyncio.sleep(0.1)


async def save_all(records):
    asyncio.gather(*(save(record) for record in records))
    print("saved")
`,
  good: `import asyncio


async def save(record):
    await asyncio.sleep(0.1)


async def save_all(records):
    await asyncio.gather(*(save(record) for record in records))
    print("saved")
`,
  fix: 'Inside a coroutine, prefixes `asyncio.gather(...)` and `asyncio.shield(...)` with `await` (not `run_in_executor`, whose job may be meant to run on in the background).',
  query: VALUE_USE_QUERY,
  mentions: /\b(?:gather|shield|run_in_executor)\b/,
  check({ discarded }, { model, report }) {
    if (discarded?.type !== 'call' || !model.calleeMayEndIn(discarded, (name) => LAST_NAMES.has(name))) return;
    const kind = FUTURE_RETURNING.get(model.callee(discarded) ?? '');
    if (!kind) return;
    // A synchronous callback (a GUI handler) cannot await: handing a job to the executor and going on is how it
    // runs work in the background, as starting a task is (see dangling-task, off by default for that reason).
    if (kind === 'executor' && !model.mayAwait(discarded)) return;
    const replacement = kind === 'executor' ? null : awaitReplacement(discarded, discarded, model);
    const remedy = model.mayAwait(discarded)
      ? kind === 'executor'
        ? `write \`await ${callSnippet(discarded)}\`, or keep the Future and check its result in a done callback if the job is meant to run on in the background`
        : `write \`await ${callSnippet(discarded)}\``
      : 'await it from a coroutine, or keep the Future and check its result';
    report(discarded, `the Future of \`${callSnippet(discarded)}\` is thrown away (${model.describeContext(discarded)}): ${CONSEQUENCE[kind]}; ${remedy}`, {
      replacement: replacement ?? undefined,
    });
  },
});

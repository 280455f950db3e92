import { CALL_QUERY, defineRule } from '../src/analyzer/rule.js';
import { lastPart } from '../src/analyzer/model/semantic-model.js';
import { callSnippet } from './support/calls.js';

export default defineRule({
  name: 'blocking-configured-call',
  aliases: ['ASYNC200'],
  severity: 'error',
  blocksTheLoop: true,
  scope: 'coroutine',
  what: 'Reports calls, inside a coroutine, of the project\'s own blocking functions listed under `blocking_calls` in `.github/async-review.yml` (qualified name, or `package.module.*` for everything below it, mapped to the advice to give), such as `blocking_calls: {"mycorp.db.query": "use mycorp.adb.query"}`. Without that key it reports nothing.',
  why: 'A blocking function holds the event loop\'s thread until it returns, stalling every other task; the project knows which of its helpers block (a synchronous database layer, an SDK without async support) and what replaces them.',
  bad: `# .github/async-review.yml: blocking_calls: {"mycorp.db.query": "use \`await mycorp.adb.query(...)\`"}
from mycorp import db


async def handle(request):
    return db.query("SELECT 1")
`,
  good: `# .github/async-review.yml: blocking_calls: {"mycorp.db.query": "use \`await mycorp.adb.query(...)\`"}
from mycorp import adb


async def handle(request):
    return await adb.query("SELECT 1")
`,
  query: CALL_QUERY,
  check({ call }, { model, report }) {
    const configured = model.project.blockingCalls;
    if (!configured) return;
    const lastNames = configuredLastNames(configured);
    if (!lastNames.wildcard && !model.calleeMayEndIn(call, (name) => lastNames.names.has(name))) return;
    const callee = model.callee(call);
    if (!callee || !model.isInCoroutine(call)) return;
    const key = callee in configured ? callee : wildcardFor(callee, configured);
    if (key === null) return;
    const advice = configured[key].trim();
    report(call, `\`${callSnippet(call)}\` blocks the event loop in ${model.describeContext(call)} (\`${key}\` is listed in \`blocking_calls\`)${advice ? `: ${advice}` : ''}`);
  },
});

/** The configured key `a.b.*` covering `a.b.c.d`, the longest first; null when none does. */
function wildcardFor(callee: string, configured: Readonly<Record<string, string>>): string | null {
  let found: string | null = null;
  for (const key of Object.keys(configured)) {
    if (key.endsWith('.*') && callee.startsWith(key.slice(0, -1)) && (found === null || key.length > found.length)) found = key;
  }
  return found;
}

const lastNamesCache = new WeakMap<object, { names: ReadonlySet<string>; wildcard: boolean }>();

/** What the configured names end in (a cheap test before resolving a call), and whether any key is a wildcard. */
function configuredLastNames(configured: Readonly<Record<string, string>>): { names: ReadonlySet<string>; wildcard: boolean } {
  let answer = lastNamesCache.get(configured);
  if (!answer) {
    const keys = Object.keys(configured);
    answer = { names: new Set(keys.map(lastPart)), wildcard: keys.some((key) => key.endsWith('.*')) };
    lastNamesCache.set(configured, answer);
  }
  return answer;
}

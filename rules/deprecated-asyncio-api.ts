import { defineRule } from '../src/analyzer/rule.js';
import { snippet } from '../src/analyzer/rule-helpers.js';
import { isInCompatibilityBranch } from './support/version-guards.js';
import { MODULE_QUERY, usesOfNames } from './support/module-names.js';

/** The event loop policy system, deprecated in Python 3.14 (to be removed in 3.16). */
const POLICY_NAMES = ['get_event_loop_policy', 'set_event_loop_policy', 'AbstractEventLoopPolicy', 'DefaultEventLoopPolicy',
  'WindowsSelectorEventLoopPolicy', 'WindowsProactorEventLoopPolicy'];
const POLICIES: ReadonlySet<string> = new Set(POLICY_NAMES.flatMap((name) => ['asyncio', 'asyncio.events', 'asyncio.windows_events'].map((module) => `${module}.${name}`)));

const ISCOROUTINEFUNCTION: ReadonlySet<string> = new Set(['asyncio.iscoroutinefunction', 'asyncio.coroutines.iscoroutinefunction']);

export default defineRule({
  name: 'deprecated-asyncio-api',
  aliases: [],
  severity: 'warning',
  what: 'Reports asyncio APIs that Python 3.14 deprecated (to be removed in 3.16), where the project runs on 3.14: `asyncio.iscoroutinefunction()`, and the event loop policy API (`get_event_loop_policy()`, `set_event_loop_policy()`, the `*EventLoopPolicy` classes) where every supported Python has `loop_factory` (3.12). Uses inside version checks and `except AttributeError` fallbacks are left alone, and so is `iscoroutinefunction` in a module that reads or sets asyncio\'s private `coroutines._is_coroutine` marker while the project supports a Python before 3.12 (only asyncio\'s test sees that marker there: Django\'s middleware mixin).',
  why: 'They warn (DeprecationWarning, an error under `-W error` and in many test suites) on Python 3.14 and are going away in 3.16; the replacements work on every Python the project supports.',
  bad: `import asyncio


def is_handler(func):
    return asyncio.iscoroutinefunction(func)
`,
  good: `import inspect


def is_handler(func):
    return inspect.iscoroutinefunction(func)
`,
  targetPython: 'Reported only where the project may run on Python 3.14; the policy API only where every supported Python is 3.12 or later (so `loop_factory` is there), and only there, with `inspect` imported, does a finding carry a fix replacing `asyncio.iscoroutinefunction` with `inspect.iscoroutinefunction` (before 3.12 the two differ for callables marked with asyncio\'s private `_is_coroutine`, as asgiref\'s `markcoroutinefunction` does there).',
  query: MODULE_QUERY,
  mentions: /iscoroutinefunction|EventLoopPolicy|event_loop_policy/,
  check({ module }, { model, report }) {
    if (!model.pythonReaches([3, 14])) return;
    const loopFactory = model.pythonHas([3, 12]);
    // A module that reads or sets asyncio's private marker (`self._is_coroutine = asyncio.coroutines._is_coroutine`,
    // Django's middleware mixin) relies on the one test that sees it before 3.12: `inspect` would break it there.
    const usesTheMarker = !loopFactory && /\bcoroutines\._is_coroutine\b/.test(model.source.text);
    for (const use of usesOfNames(module, loopFactory ? [...POLICY_NAMES, 'iscoroutinefunction'] : ['iscoroutinefunction'], model)) {
      const qualified = use.qualifiedName ?? '';
      if (isInCompatibilityBranch(use.node)) continue;
      const what = use.importFrom ? `from ${use.importFrom.childForFieldName('module_name')!.text} import ${use.name.text}` : snippet(use.node);
      const deprecated = `\`${what}\` is deprecated since Python 3.14 (DeprecationWarning; to be removed in 3.16)`;
      if (POLICIES.has(qualified)) {
        report(use.node, `${deprecated}: choose the event loop with \`asyncio.run(main(), loop_factory=...)\` or \`asyncio.Runner(loop_factory=...)\` instead of a policy`);
      } else if (ISCOROUTINEFUNCTION.has(qualified) && !usesTheMarker) {
        // Before 3.12 only asyncio's version sees callables marked with its private `_is_coroutine` (asgiref's
        // markcoroutinefunction): the same test only where every Python has inspect.markcoroutinefunction.
        const inspect = model.moduleAlias('inspect', use.node);
        const replacement = !use.importFrom && inspect && loopFactory ? `${inspect}.iscoroutinefunction` : undefined;
        const caveat = loopFactory ? '' : ' (before Python 3.12 it does not recognise callables marked with asyncio\'s private `_is_coroutine`, as asgiref\'s `markcoroutinefunction` does there)';
        report(use.node, `${deprecated}: use \`inspect.iscoroutinefunction()\`${caveat}`, { replacement });
      }
    }
  },
});

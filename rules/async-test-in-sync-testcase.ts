import { defineRule } from '../src/analyzer/rule.js';
import { decoratorName } from '../src/analyzer/model/semantic-model.js';
import { INERT_BASE_CLASSES } from '../src/analyzer/model/known-apis.js';
import { COROUTINE_TEST_CASES, SYNC_TEST_CASES, TEST_RUNNING_METHODS } from '../src/analyzer/knowledge/test-cases.js';

/** Decorators that leave a test method what it is (unittest's own skips). Any other may run the coroutine. */
const NEUTRAL_DECORATORS: ReadonlySet<string> = new Set(['unittest.skip', 'unittest.skipIf', 'unittest.skipUnless', 'unittest.expectedFailure']);

export default defineRule({
  name: 'async-test-in-sync-testcase',
  aliases: [],
  severity: 'error',
  what: 'Reports an `async def test*` method of a class that derives from `unittest.TestCase` and from nothing that runs coroutine tests (`unittest.IsolatedAsyncioTestCase`, Django\'s test cases, aiohttp\'s and asynctest\'s; the list is src/analyzer/knowledge/test-cases.ts). Its bases are followed through this module and the project\'s others; a base that cannot be followed, an outside base we do not know, a metaclass, a class on the way that overrides how tests are called (`run`, `_callTestMethod`, `__call__`), or a decorator on the test other than unittest\'s skips leave it alone.',
  why: 'unittest calls a test method and does not await what it returns: an async one gives a coroutine that never runs, so the test passes without checking anything (Python warns "coroutine was never awaited", and since 3.11 that returning a value from a test is deprecated).',
  bad: `import unittest


class TestClient(unittest.TestCase):
    async def test_fetch(self):
        self.assertEqual(await fetch("/"), 200)
`,
  good: `import unittest


class TestClient(unittest.IsolatedAsyncioTestCase):
    async def test_fetch(self):
        self.assertEqual(await fetch("/"), 200)
`,
  targetPython: 'The advice names `unittest.IsolatedAsyncioTestCase` where every supported Python has it (3.8); before that, running the test body with the loop from a plain test method.',
  query: '(class_definition body: (block (function_definition "async" name: (identifier) @name (#match? @name "^test"))))\n(class_definition body: (block (decorated_definition definition: (function_definition "async" name: (identifier) @name (#match? @name "^test")))))',
  check({ name }, { model, report }) {
    const fn = model.functionOf(name.parent!);
    const cls = fn?.ownerClass;
    if (!fn?.isAsync || fn.isGenerator || !cls) return;
    if (fn.decorators.some((decorator) => !NEUTRAL_DECORATORS.has(decoratorName(decorator, model) ?? ''))) return;
    const { ancestors, complete } = model.ancestry(cls);
    if (!complete || !ancestors.some((ancestor) => SYNC_TEST_CASES.has(ancestor.qualifiedName))) return;
    for (const ancestor of ancestors) {
      // An outside class we know nothing of may be a test case that runs coroutines.
      if (ancestor.methods === null && !SYNC_TEST_CASES.has(ancestor.qualifiedName) && !INERT_BASE_CLASSES.has(ancestor.qualifiedName)) return;
      if (COROUTINE_TEST_CASES.has(ancestor.qualifiedName)) return;
      if (ancestor.methods && [...TEST_RUNNING_METHODS].some((method) => ancestor.methods!.has(method))) return;
    }
    if ([...TEST_RUNNING_METHODS].some((method) => cls.methods.has(method))) return;
    const instead = model.pythonHas([3, 8])
      ? 'derive the class from `unittest.IsolatedAsyncioTestCase`, which awaits its async tests'
      : 'run its body from a plain test method (`asyncio.get_event_loop().run_until_complete(...)`), or derive from `unittest.IsolatedAsyncioTestCase` once every supported Python has it (3.8)';
    report(name.parent!, `async test \`${fn.name}\` in \`${cls.name}\`, a \`unittest.TestCase\`: unittest calls it without awaiting it, so it passes without running; ${instead}`, { endNode: name });
  },
});

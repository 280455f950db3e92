import type { Node } from 'web-tree-sitter';
import { defineRule } from '../src/analyzer/rule.js';
import { decoratorName, type ClassInfo, type FunctionInfo, type SemanticModel } from '../src/analyzer/model/semantic-model.js';
import type { AsyncTestMark } from '../src/analyzer/types.js';

/** Marks under which pytest-asyncio, anyio's or trio's plugin runs an async test. */
const RUNNER_MARKS = new Set(['pytest.mark.asyncio', 'pytest.mark.anyio', 'pytest.mark.trio']);
/** Marks that change nothing about how a test is run. Any other decorator might run it (or is unknown). */
const NEUTRAL_MARKS = new Set(['parametrize', 'skip', 'skipif', 'xfail', 'timeout', 'usefixtures', 'filterwarnings'].map((m) => `pytest.mark.${m}`));

type Marking = 'runner' | 'neutral' | 'unknown';

export default defineRule({
  name: 'async-test-without-runner',
  aliases: [],
  severity: 'error',
  what: 'Reports an `async def test_*` in a test module with no pytest-asyncio, anyio or trio marker (on the function, its class or the module\'s `pytestmark`), when the module relies on markers (it marks other tests, or is written for asyncio) and the project\'s test dependencies are known to leave it unrun: they can be read (pyproject.toml, setup.cfg, setup.py, requirements files, tox.ini, Pipfile, noxfile.py, in the test\'s folder and above), name pytest and a plugin providing the mark, and name no pytest plugin but those known not to run unmarked coroutine tests. Silent under pytest-asyncio\'s auto mode, pytest-trio\'s trio_mode, a conftest.py hook or plugin (`pytest_plugins`) that may run them, and plugins that do (pytest-aiohttp before 1.0, pytest-jupyter, pytest-tornasync, pytest-twisted) or that we do not know.',
  why: 'Without a plugin marker pytest does not run a coroutine test: it is skipped with a warning (or, on old versions, "passes" without running), so the test silently checks nothing.',
  bad: `import asyncio

import pytest


async def test_fetch(client):
    assert await asyncio.wait_for(client.get("/"), 5) == 200
`,
  good: `import asyncio

import pytest


@pytest.mark.asyncio
async def test_fetch(client):
    assert await asyncio.wait_for(client.get("/"), 5) == 200
`,
  fix: 'Adds `@pytest.mark.asyncio` (or the runner mark the module\'s other tests use) above the test when `pytest` is imported.',
  query: '(function_definition "async" name: (identifier) @name (#match? @name "^test")) @def',
  check({ def: definition, name }, { model, report }) {
    if (model.project.asyncTestsRunAutomatically || !isTestModule(model.moduleName) || isUnderRunnerConftest(model)) return;
    // Which plugins run the tests depends on the project's test dependencies: unknown, or one that runs unmarked
    // coroutine tests (pytest-aiohttp before 1.0, pytest-jupyter...), and nothing is reported.
    const available = model.project.asyncTestMarks;
    if (!available) return;
    const needed = neededMark(model);
    if (!needed) return;
    // The mark must be one a declared plugin provides, or one the module's other tests use (its plugin is there).
    const { mark, used } = needed;
    if (!used && !available.includes(mark as AsyncTestMark)) return;
    const fn = model.functionOf(definition);
    if (!fn || fn.isGenerator || !isCollectedByPytest(fn, model) || takesParameter(definition, 'anyio_backend')) return;
    if (marking(fn.decorators, model) !== 'neutral') return;
    const cls = fn.ownerClass;
    if (cls && (marking(cls.decorators, model) !== 'neutral' || pytestmarkOf(cls.attributeValues.get('pytestmark'), model) !== 'neutral')) return;
    if (pytestmarkOf(modulePytestmark(model), model) !== 'neutral') return;
    const pytest = model.moduleAlias('pytest', definition);
    report(definition, `async test \`${fn.name}\` has no \`@pytest.mark.${mark}\` marker, so pytest does not run it; mark the test, its class or the module's \`pytestmark\``, {
      endNode: name,
      lineFix: pytest ? insertAbove(fn, `@${pytest}.mark.${mark}`, model) : undefined,
    });
  },
});

const markCache = new WeakMap<SemanticModel, { mark: string; used: boolean } | null>();

/** The runner mark the module's async tests need, or null when the module does not show that it relies on
 *  markers. It does when it marks some test or class with one (that mark is the one to use), or when it is
 *  written for asyncio (imports asyncio or pytest_asyncio, not trio or anyio). A module that does neither
 *  most likely runs under a plugin mode or conftest hook we were not shown (pytest-trio's `trio_mode`, trio's
 *  own pytest_pyfunc_call hook), where reporting every test would be noise. */
function neededMark(model: SemanticModel): { mark: string; used: boolean } | null {
  let mark = markCache.get(model);
  if (mark === undefined) {
    const used = [
      ...[...model.functions, ...model.classes].flatMap((def) => def.decorators.map((d) => decoratorName(d, model))),
      ...markNames(modulePytestmark(model), model),
      ...model.classes.flatMap((cls) => markNames(cls.attributeValues.get('pytestmark'), model)),
    ].find((name) => name !== null && RUNNER_MARKS.has(name));
    const asyncioOnly = (model.importsFrom('asyncio') || model.importsFrom('pytest_asyncio')) && !model.importsFrom('trio') && !model.importsFrom('anyio');
    mark = used ? { mark: used.slice('pytest.mark.'.length), used: true } : asyncioOnly ? { mark: 'asyncio', used: false } : null;
    markCache.set(model, mark);
  }
  return mark;
}

/** A conftest.py of the module's package or one above it runs async tests itself. */
function isUnderRunnerConftest(model: SemanticModel): boolean {
  return model.project.asyncTestRunnerPackages?.some((prefix) => prefix === '' || model.moduleName.startsWith(`${prefix}.`)) ?? false;
}

/** pytest's default `python_files`: `test_*.py` and `*_test.py`. */
function isTestModule(moduleName: string): boolean {
  const last = moduleName.split('.').pop() ?? '';
  return last.startsWith('test_') || last.endsWith('_test');
}

/** A module-level function, or a method of a `Test*` class with no base class (pytest collects those; a
 *  class with a base is unittest, IsolatedAsyncioTestCase, asynctest… which run coroutines themselves).
 *  pytest skips a class with its own `__init__` or `__new__` (a collection warning), and anything whose
 *  `__test__` is set (nose's `__test__ = False`). */
function isCollectedByPytest(fn: FunctionInfo, model: SemanticModel): boolean {
  if (model.scopes.module.bindings.has('__test__')) return false;
  const cls = fn.ownerClass;
  if (!cls) return model.scopes.scopeOf(fn.node).kind === 'module';
  if (cls.methods.has('__init__') || cls.methods.has('__new__') || cls.attributeValues.has('__test__')) return false;
  return cls.name.startsWith('Test') && cls.bases.length === 0 && model.scopes.scopeOf(cls.node).kind === 'module';
}

function takesParameter(definition: Node, parameter: string): boolean {
  const parameters = definition.childForFieldName('parameters');
  return !!parameters && parameters.descendantsOfType('identifier').some((id) => id?.text === parameter);
}

/** What a list of decorators says about running the test: a runner mark wins, then anything unknown. */
function marking(decorators: readonly Node[], model: SemanticModel): Marking {
  return combine(decorators.map((decorator) => markOf(decoratorName(decorator, model))));
}

function markOf(name: string | null): Marking {
  if (name && RUNNER_MARKS.has(name)) return 'runner';
  return name && NEUTRAL_MARKS.has(name) ? 'neutral' : 'unknown';
}

function combine(markings: readonly Marking[]): Marking {
  if (markings.includes('runner')) return 'runner';
  return markings.includes('unknown') ? 'unknown' : 'neutral';
}

/** `pytestmark = pytest.mark.asyncio` or a list/tuple of marks; every assignment must be understood. */
function pytestmarkOf(values: readonly (Node | null)[] | undefined, model: SemanticModel): Marking {
  return values ? combine(markNames(values, model).map(markOf)) : 'neutral';
}

/** The qualified names of the marks assigned to a `pytestmark` (null for what we cannot read). */
function markNames(values: readonly (Node | null)[] | undefined, model: SemanticModel): (string | null)[] {
  return (values ?? []).flatMap((value) => {
    if (!value) return [null];
    const marks = value.type === 'list' || value.type === 'tuple' ? value.namedChildren : [value];
    return marks.map((mark) => {
      const expr = mark?.type === 'call' ? mark.childForFieldName('function') : mark;
      return expr ? model.qualifiedName(expr) : null;
    });
  });
}

/** The values assigned to `pytestmark` at module level (null for a binding we cannot read). */
function modulePytestmark(model: SemanticModel): (Node | null)[] | undefined {
  const bindings = model.scopes.module.bindings.get('pytestmark');
  return bindings?.map((binding) => (binding.kind === 'value' ? binding.value : null));
}

/** A line inserted above the def, or above its first decorator, at the def's indentation. */
function insertAbove(fn: FunctionInfo | ClassInfo, text: string, model: SemanticModel): { line: number; endLine: number; replacement: string } {
  const row = (fn.decorators[0] ?? fn.node).startPosition.row;
  const indent = model.source.indentOf(fn.node.startPosition.row);
  return { line: row + 1, endLine: row + 1, replacement: `${indent}${text}\n${model.source.line(row)}` };
}

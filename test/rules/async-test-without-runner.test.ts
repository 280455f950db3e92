// What the fixture cannot show: the module's name, its pytestmark, its imports and the project's pytest
// configuration decide whether async-test-without-runner reports (and how it fixes).
import { describe, expect, it } from 'vitest';
import rule from '../../rules/async-test-without-runner.js';
import { findingsIn } from '../helpers/analyze.js';

const unmarked = `import asyncio

import pytest


async def test_fetch():
    await asyncio.sleep(0)
`;

/** Written for no library in particular, but marking one test: the others need marks too. */
const partlyMarked = `import pytest


@pytest.mark.MARK
async def test_marked():
    pass


async def test_forgotten():
    pass
`;

/** The project's test dependencies name pytest-asyncio, anyio and pytest-trio, and no plugin that runs unmarked
 *  coroutine tests. */
const KNOWN_PLUGINS = { asyncTestMarks: ['anyio', 'asyncio', 'trio'] } as const;

const run = (source: string, path = 'tests/test_api.py', auto?: boolean) =>
  findingsIn(source, { rules: [rule], path, project: auto === undefined ? KNOWN_PLUGINS : { ...KNOWN_PLUGINS, asyncTestsRunAutomatically: auto } });

describe('async-test-without-runner', () => {
  it('reports in test_*.py and *_test.py modules only', async () => {
    expect(await run(unmarked, 'tests/test_api.py')).toHaveLength(1);
    expect(await run(unmarked, 'api_test.py')).toHaveLength(1);
    expect(await run(unmarked, 'tests/conftest.py')).toEqual([]);
    expect(await run(unmarked, 'src/api.py')).toEqual([]);
  });

  it('stays silent when pytest runs async tests automatically (asyncio_mode = auto)', async () => {
    expect(await run(unmarked, 'tests/test_api.py', true)).toEqual([]);
    expect(await run(unmarked, 'tests/test_api.py', false)).toHaveLength(1);
  });

  it("stays silent unless the project's test dependencies are known to leave unmarked coroutine tests unrun", async () => {
    const withMarks = (asyncTestMarks: ('asyncio' | 'anyio' | 'trio')[] | null | undefined, source = unmarked) =>
      findingsIn(source, { rules: [rule], path: 'tests/test_api.py', project: { asyncTestMarks } });
    expect(await withMarks(undefined)).toEqual([]); // not read
    expect(await withMarks(null)).toEqual([]); // a plugin we do not know, or pytest-aiohttp < 1.0, pytest-jupyter...
    expect(await withMarks([])).toEqual([]); // no runner declared: whatever runs the suite is installed elsewhere
    expect(await withMarks(['asyncio'])).toHaveLength(1);
    expect(await withMarks(['trio'])).toEqual([]); // the asyncio mark it would need is provided by no declared plugin
    // A mark the module's other tests use has its plugin installed, declared or not (anyio comes with httpx).
    expect(await withMarks([], partlyMarked.replace('MARK', 'anyio'))).toHaveLength(1);
    // Per folder: the nearest folder's answer wins, an unknown one too.
    const folders = (marks: ('asyncio')[] | null) => findingsIn(unmarked, { rules: [rule], path: 'pkg/tests/test_api.py', project: { asyncTestMarks: ['asyncio'], folders: [{ folder: 'pkg/tests', asyncTestMarks: marks }] } });
    expect(await folders(null)).toEqual([]);
    expect(await folders(['asyncio'])).toHaveLength(1);
  });

  it('stays silent under a package whose conftest.py runs async tests itself, and only there', async () => {
    const under = (packages: string[], path: string) => findingsIn(unmarked, { rules: [rule], path, project: { ...KNOWN_PLUGINS, asyncTestRunnerPackages: packages } });
    expect(await under(['tests'], 'tests/api/test_api.py')).toEqual([]);
    expect(await under([''], 'tests/test_api.py')).toEqual([]);
    expect(await under(['tests.api'], 'tests/test_api.py')).toHaveLength(1); // the hook is below this module
    expect(await under(['test'], 'tests/test_api.py')).toHaveLength(1); // a package's name, not a prefix of it
  });

  it('reports only in modules that rely on markers: asyncio modules, or modules marking other tests', async () => {
    expect(await run(unmarked.replace('import asyncio\n', ''))).toEqual([]); // no library, no marks: unknown runner
    expect(await run(`import trio\n${unmarked}`)).toEqual([]); // pytest-trio's trio_mode may run it
    expect(await run(unmarked.replace('import asyncio', 'import anyio'))).toEqual([]);
    expect((await run(partlyMarked.replace('MARK', 'asyncio'))).map((f) => f.line)).toEqual([9]);
    expect((await run(partlyMarked.replace('MARK', 'trio'))).map((f) => f.line)).toEqual([9]);
    expect(await run(partlyMarked.replace('MARK', 'slow'))).toEqual([]);
  });

  it('reads the module pytestmark: a runner mark (alone or in a list) counts, neutral marks do not', async () => {
    const withMark = (mark: string) => unmarked.replace('import pytest\n', `import pytest\n\npytestmark = ${mark}\n`);
    expect(await run(withMark('pytest.mark.asyncio'))).toEqual([]);
    expect(await run(withMark('[pytest.mark.slow, pytest.mark.anyio]'))).toEqual([]);
    expect(await run(withMark('pytest.mark.asyncio(loop_scope="module")'))).toEqual([]);
    expect(await run(withMark('[pytest.mark.usefixtures("db")]'))).toHaveLength(1);
    expect(await run(withMark('shared_marks'))).toEqual([]); // unknown: silent
  });

  it('fixes with the marker of the library the module uses, only when pytest is imported as a module', async () => {
    const [asyncio] = await run(unmarked);
    expect(asyncio.fix).toEqual({ line: 6, endLine: 6, replacement: '@pytest.mark.asyncio\nasync def test_fetch():' });
    const [anyio] = await run(`import anyio\n${partlyMarked.replace('MARK', 'anyio')}`);
    expect(anyio.fix?.replacement).toBe('@pytest.mark.anyio\nasync def test_forgotten():');
    const [trio] = await run(partlyMarked.replace('MARK', 'trio'));
    expect(trio.message).toContain('@pytest.mark.trio');
    expect(trio.fix?.replacement).toBe('@pytest.mark.trio\nasync def test_forgotten():');
    const [noPytest] = await run(unmarked.replace('import pytest', 'from pytest import raises'));
    expect(noPytest.fix).toBeNull();
  });
});

// What the fixture cannot show: the module's name, its pytestmark, its imports and the project's pytest
// configuration decide whether async-test-without-runner reports (and how it fixes).
import { describe, expect, it } from 'vitest';
import rule from '../../rules/async-test-without-runner.js';
import { findingsIn } from '../helpers/analyze.js';

const unmarked = `import pytest


async def test_fetch():
    pass
`;

const run = (source: string, path = 'tests/test_api.py', auto?: boolean) =>
  findingsIn(source, { rules: [rule], path, project: auto === undefined ? {} : { asyncTestsRunAutomatically: auto } });

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
    expect(asyncio.fix).toEqual({ line: 4, endLine: 4, replacement: '@pytest.mark.asyncio\nasync def test_fetch():' });
    const [anyio] = await run(`import anyio\n${unmarked}`);
    expect(anyio.fix?.replacement).toBe('@pytest.mark.anyio\nasync def test_fetch():');
    const [trio] = await run(`import trio\n${unmarked}`);
    expect(trio.message).toContain('pytest.mark.trio');
    expect(trio.fix).toBeNull();
    const [noPytest] = await run(unmarked.replace('import pytest', 'from pytest import raises'));
    expect(noPytest.fix).toBeNull();
  });
});

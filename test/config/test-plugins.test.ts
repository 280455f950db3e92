// Which plugins run a project's async tests, read from its dependency files: only when they are read, name pytest
// and name no plugin but those we know to leave unmarked coroutine tests unrun, may async-test-without-runner
// report (and then with a mark they provide).
import { describe, expect, it } from 'vitest';
import { allowsOnlyBelow, allowsOnlyFrom, asyncTestMarksOf, declaredDependencies, isRequirementsFile, parseRequirement } from '../../src/config/test-plugins.js';

/** The marks for one folder's files (path → text); `others` can be read as includes. */
const marks = (files: Record<string, string>, others: Record<string, string> = {}) =>
  asyncTestMarksOf([declaredDependencies(new Map(Object.entries(files)), (path) => others[path] ?? files[path] ?? null)]);

describe('asyncTestMarksOf', () => {
  it('gives the marks of the runners named, when every plugin named is known', () => {
    expect(marks({ 'requirements-test.txt': 'pytest>=7\npytest-asyncio==0.23.5  # runner\npytest-cov\n' })).toEqual(['asyncio']);
    expect(marks({ 'requirements-dev.txt': 'pytest\npytest-trio\nanyio[trio]>=4\n' })).toEqual(['anyio', 'trio']);
    expect(marks({ 'requirements.txt': 'pytest\npytest-mock\n' })).toEqual([]); // no runner: nothing runs them
  });

  it('is unknown when pytest is not named: the test environment is declared elsewhere', () => {
    expect(marks({ 'requirements.txt': 'aiohttp>=3\n' })).toBeNull();
    expect(marks({})).toBeNull();
    expect(asyncTestMarksOf([])).toBeNull();
  });

  it('is unknown when a plugin we do not know, or one that runs unmarked coroutine tests, is named', () => {
    expect(marks({ 'requirements.txt': 'pytest\npytest-asyncio\npytest-something-new\n' })).toBeNull();
    expect(marks({ 'requirements.txt': 'pytest\npytest-jupyter[server]>=0.6\n' })).toBeNull();
    expect(marks({ 'requirements.txt': 'pytest\npytest-tornasync\n' })).toBeNull();
    expect(marks({ 'requirements.txt': 'pytest\npytest-twisted\n' })).toBeNull();
    // A dependency's test extra brings test plugins of its own (jupyter_server[test] brings pytest-jupyter).
    expect(marks({ 'requirements.txt': 'pytest\npytest-asyncio\njupyter_server[test]\n' })).toBeNull();
  });

  it('pytest-aiohttp: before 1.0 it runs every coroutine test; from 1.0 pytest-asyncio does, under marks; unpinned: unknown', () => {
    expect(marks({ 'requirements.txt': 'pytest\npytest-aiohttp==0.3.0\n' })).toBeNull();
    expect(marks({ 'requirements.txt': 'pytest\npytest-aiohttp<1\n' })).toBeNull();
    expect(marks({ 'requirements.txt': 'pytest\npytest-aiohttp\n' })).toBeNull();
    expect(marks({ 'requirements.txt': 'pytest\npytest-aiohttp>=1.0.4\n' })).toEqual(['asyncio']);
    // pytest-asyncio before 0.19 defaults to legacy mode, which pytest-aiohttp 1.0.2+ turns into auto mode.
    expect(marks({ 'requirements.txt': 'pytest\npytest-aiohttp>=1.0.4\npytest-asyncio==0.18.3\n' })).toBeNull();
    expect(marks({ 'pyproject.toml': '[tool.poetry.group.dev.dependencies]\npytest = "*"\npytest-aiohttp = "^0.3"\n' })).toBeNull();
    expect(marks({ 'pyproject.toml': '[tool.poetry.group.dev.dependencies]\npytest = "*"\npytest-aiohttp = "^1.0"\n' })).toEqual(['asyncio']);
  });

  it('reads every place pyproject.toml declares dependencies, and skips the project itself', () => {
    const pyproject = (section: string) => marks({ 'pyproject.toml': `[project]\nname = "My_App"\ndependencies = ["aiohttp"]\n${section}` });
    expect(pyproject('[project.optional-dependencies]\ntest = ["pytest", "pytest-asyncio"]\n')).toEqual(['asyncio']);
    expect(pyproject('[project.optional-dependencies]\ntest = ["pytest", "pytest-aiohttp"]\n')).toBeNull();
    expect(pyproject('[dependency-groups]\ntest = ["pytest", "pytest-asyncio", "my-app[test]"]\ndev = [{include-group = "test"}]\n')).toEqual(['asyncio']);
    expect(pyproject('[tool.poetry.dev-dependencies]\npytest = "^7"\npytest-tornasync = "*"\n')).toBeNull();
    expect(pyproject('[tool.pdm.dev-dependencies]\ntest = ["pytest", "pytest-asyncio"]\n')).toEqual(['asyncio']);
    expect(pyproject('[tool.uv]\ndev-dependencies = ["pytest", "pytest-aiohttp"]\n')).toBeNull();
    expect(pyproject('[tool.hatch.envs.test]\ndependencies = ["pytest", "pytest-asyncio"]\n')).toEqual(['asyncio']);
    expect(pyproject('[tool.hatch.envs.test]\nextra-dependencies = ["pytest", "pytest-aio"]\n')).toBeNull();
    expect(pyproject('[tool.tox]\nlegacy_tox_ini = """\n[testenv]\ndeps =\n    pytest\n    pytest-aiohttp<1\n"""\n')).toBeNull();
    expect(marks({ 'pyproject.toml': 'not toml = = =' })).toBeNull();
  });

  it('reads setup.cfg, setup.py, tox.ini, Pipfile and noxfile.py', () => {
    expect(marks({ 'setup.cfg': '[metadata]\nname = app\n[options.extras_require]\ntest =\n    pytest\n    pytest-asyncio\n' })).toEqual(['asyncio']);
    expect(marks({ 'setup.cfg': '[options]\ntests_require =\n    pytest\n    pytest-aiohttp==0.3.0\n' })).toBeNull();
    expect(marks({ 'setup.py': 'setup(name="app", extras_require={"test": ["pytest>=6", "pytest-asyncio"]})\n' })).toEqual(['asyncio']);
    expect(marks({ 'setup.py': 'setup(name="app", tests_require=["pytest", "pytest-aiohttp"])\n' })).toBeNull();
    expect(marks({ 'tox.ini': '[tox]\nenvlist = py3\n[testenv]\ndeps =\n    pytest\n    py38: pytest-asyncio<0.22\ncommands = pytest\n' })).toEqual(['asyncio']);
    expect(marks({ 'tox.ini': '[testenv:py3]\ndeps = pytest\n    pytest-tornasync\n' })).toBeNull();
    expect(marks({ Pipfile: '[packages]\naiohttp = "*"\n[dev-packages]\npytest = "*"\npytest-aiohttp = "==0.3.0"\n' })).toBeNull();
    expect(marks({ 'noxfile.py': 'def tests(session):\n    session.install("pytest", "pytest-asyncio")\n    session.run("pytest")\n' })).toEqual(['asyncio']);
    expect(marks({ 'noxfile.py': 'def tests(session):\n    session.install("pytest", "pytest-aiohttp<1")\n' })).toBeNull();
  });

  it('follows -r and -c includes and setuptools file lists; one it cannot read makes the answer unknown', () => {
    const base = { 'requirements/base.txt': 'pytest\npytest-asyncio\n' };
    expect(marks({ 'requirements-test.txt': '-r requirements/base.txt\npytest-cov\n' }, base)).toEqual(['asyncio']);
    expect(marks({ 'requirements-test.txt': '-r requirements/missing.txt\npytest\n' })).toBeNull();
    expect(marks({ 'requirements/test.txt': '-r base.txt\n' }, base)).toEqual(['asyncio']);
    expect(marks({ 'tox.ini': '[testenv]\ndeps = -r{toxinidir}/requirements/base.txt\n' }, base)).toEqual(['asyncio']);
    expect(marks({ 'pyproject.toml': '[tool.setuptools.dynamic]\noptional-dependencies.test = { file = ["requirements/base.txt"] }\n' }, base)).toEqual(['asyncio']);
    // Editable installs of the project itself carry no plugin; a line naming pytest that we cannot read does.
    expect(marks({ 'requirements.txt': '-e .[test]\npytest\n' })).toEqual([]);
    expect(marks({ 'requirements.txt': 'pytest\nhttps://example.com/pytest_special-1.0-py3-none-any.whl\n' })).toBeNull();
    expect(marks({ 'requirements.txt': 'pytest\ngit+https://github.com/x/y#egg=pytest-aiohttp\n' })).toBeNull();
  });

  it('combines a test folder with the folders above it: the unknown anywhere wins', () => {
    const folder = (files: Record<string, string>) => declaredDependencies(new Map(Object.entries(files)), () => null);
    const root = folder({ 'requirements-dev.txt': 'pytest\npytest-asyncio\n' });
    expect(asyncTestMarksOf([folder({ 'requirements.txt': 'aiohttp\n' }), root])).toEqual(['asyncio']);
    expect(asyncTestMarksOf([folder({ 'requirements.txt': 'pytest-aiohttp==0.3\n' }), root])).toBeNull();
  });
});

describe('requirements and versions', () => {
  it('parses PEP 508 requirements, normalizing names', () => {
    expect(parseRequirement('Pytest_AIOHTTP[extra] >= 1.0 ; python_version > "3.8"')).toEqual({ name: 'pytest-aiohttp', extras: ['extra'], spec: '>=1.0' });
    expect(parseRequirement('pytest-aiohttp @ https://example.com/x.whl')).toEqual({ name: 'pytest-aiohttp', extras: [], spec: null });
    expect(parseRequirement('not a requirement')).toBeNull();
  });

  it('tells specifiers that allow only versions below or from a version', () => {
    for (const spec of ['<1', '<1.0', '==0.3.0', '~=0.3', '<=0.3.0', '^0.3', '~0.3', '==0.*']) expect(allowsOnlyBelow(spec, [1, 0]), spec).toBe(true);
    for (const spec of ['', '>=0.3', '<=1.0', '!=0.3', '~=0.3.0,<2']) expect(allowsOnlyBelow(spec, [1, 0]), spec).toBe(spec === '~=0.3.0,<2');
    for (const spec of ['>=1', '>=1.0.4', '==1.0.5', '~=1.0', '^1.0', '>1.0']) expect(allowsOnlyFrom(spec, [1, 0]), spec).toBe(true);
    for (const spec of ['', '<2', '>=0.3', '!=0.3']) expect(allowsOnlyFrom(spec, [1, 0]), spec).toBe(false);
  });

  it('knows requirements files by name', () => {
    for (const path of ['requirements.txt', 'requirements-dev.txt', 'test-requirements.txt', 'requirements/ci.txt', 'requirements/test.in', 'reqs/dev.txt']) expect(isRequirementsFile(path), path).toBe(true);
    for (const path of ['README.txt', 'docs/requirements.txt', 'requirements.py']) expect(isRequirementsFile(path), path).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { parseRequiresPython, parseTargetVersion, targetFromPackageMetadata, targetFromProjectFile, targetFromProse } from '../../src/config/target-python.js';
import { knowledgeForPath, rangeHas, rangeReaches } from '../../src/analyzer/project-scope.js';

describe('reading the Pythons a project supports', () => {
  it.each([
    ['>=3.7', { oldest: [3, 7] }],
    ['>= 3.6.2', { oldest: [3, 6] }],
    ['>3.6, <4', { oldest: [3, 7], below: [4, 0] }],
    ['~=3.8', { oldest: [3, 8], below: [4, 0] }],
    ['~=3.8.1', { oldest: [3, 8] }],
    ['==3.9.*', { oldest: [3, 9], below: [3, 10] }],
    ['>=3.7.0,<4.0.0', { oldest: [3, 7], below: [4, 0] }],
    ['>=3.9,<3.14', { oldest: [3, 9], below: [3, 14] }],
    ['^3.8', { oldest: [3, 8], below: [4, 0] }],
  ])('%s', (spec, range) => {
    expect(parseRequiresPython(spec)).toEqual(range);
  });

  it('reads no bound from nothing it understands', () => {
    expect(parseRequiresPython('<4')).toBeUndefined();
    expect(parseTargetVersion('3')).toBeUndefined();
    expect(parseTargetVersion('py311')).toEqual([3, 11]);
    expect(parseTargetVersion('3.10')).toEqual([3, 10]);
  });

  it('reads each kind of project file', () => {
    expect(targetFromProjectFile('pyproject.toml', '[project]\nrequires-python = ">=3.8"\n')).toEqual({ oldest: [3, 8] });
    expect(targetFromProjectFile('pyproject.toml', '[tool.poetry.dependencies]\npython = "^3.9"\n')).toEqual({ oldest: [3, 9], below: [4, 0] });
    expect(targetFromProjectFile('pyproject.toml', '[tool.ruff]\ntarget-version = "py37"\n')).toEqual({ oldest: [3, 7] });
    expect(targetFromProjectFile('pyproject.toml', 'not [ toml')).toBeUndefined();
    expect(targetFromProjectFile('setup.cfg', '[metadata]\nname = x\n[options]\npython_requires = >=3.6\n')).toEqual({ oldest: [3, 6] });
    expect(targetFromProjectFile('setup.py', 'setup(name="x", python_requires=">=3.5")')).toEqual({ oldest: [3, 5] });
    expect(targetFromProjectFile('ruff.toml', 'target-version = "py310"\n')).toEqual({ oldest: [3, 10] });
    expect(targetFromPackageMetadata('Name: x\nRequires-Python: >=3.7\n\nRequires-Python: >=2.7 in the description\n')).toEqual({ oldest: [3, 7] });
    // Without Requires-Python, the oldest Python classifier says it.
    const classified = 'Name: x\nClassifier: Programming Language :: Python :: 3.6\nClassifier: Programming Language :: Python :: 3.5\n\n';
    expect(targetFromPackageMetadata(classified)).toEqual({ oldest: [3, 5] });
    expect(targetFromProjectFile('setup.py', 'setup(classifiers=["Programming Language :: Python :: 3.8"])')).toEqual({ oldest: [3, 8] });
    expect(targetFromProjectFile('pyproject.toml', '[project]\nclassifiers = ["Programming Language :: Python :: 3.9"]\n')).toEqual({ oldest: [3, 9] });
  });

  it('reads what a README says in words when nothing a tool reads declares it', () => {
    // aiohttp-proxy's PKG-INFO: no Requires-Python, no classifier, a README saying `Python >= 3.5.3`.
    const described = 'Name: aiohttp-proxy\nLicense: Apache 2\n\n## Requirements\n- Python >= 3.5.3\n- aiohttp >= 2.3.2\n';
    expect(targetFromPackageMetadata(described)).toEqual({ oldest: [3, 5] });
    expect(targetFromProjectFile('README.md', 'Runs on Python 3.8+ (tested up to 3.12).')).toEqual({ oldest: [3, 8] });
    expect(targetFromProjectFile('README.rst', 'Requires Python 3.9 or later.')).toEqual({ oldest: [3, 9] });
    expect(targetFromProse('![py](https://img.shields.io/badge/Python-3.6%20%7C%203.7-blue)')).toEqual({ oldest: [3, 6] });
    expect(targetFromProse('Supports Python 3.7 - 3.11; the test suite needs Python >= 3.10.')).toEqual({ oldest: [3, 7] });
    // Python 2 and words that are no statement of support say nothing.
    expect(targetFromProse('Works on Python 2.7. See python3.11/site-packages for the layout; pip >= 3.1.')).toBeUndefined();
    // A tool-readable declaration wins over the README's words.
    expect(targetFromPackageMetadata('Name: x\nRequires-Python: >=3.9\n\nPython >= 3.5\n')).toEqual({ oldest: [3, 9] });
  });

  it('answers per file from the nearest folder, setting by setting', () => {
    const project = {
      targetPython: { oldest: [3, 10] as const },
      folders: [
        { folder: 'libs/old', targetPython: { oldest: [3, 6] as const } },
        { folder: 'libs/old/tests', asyncTestsRunAutomatically: true },
      ],
    };
    expect(knowledgeForPath(project, 'libs/old/tests/test_x.py')).toMatchObject({ targetPython: { oldest: [3, 6] }, asyncTestsRunAutomatically: true });
    expect(knowledgeForPath(project, 'libs/older/x.py').targetPython).toEqual({ oldest: [3, 10] });
    expect(rangeHas({ oldest: [3, 8] }, [3, 9])).toBe(false);
    expect(rangeHas(undefined, [3, 9])).toBe(true);
    expect(rangeReaches({ oldest: [3, 8], below: [3, 14] }, [3, 14])).toBe(false);
    expect(rangeReaches({ oldest: [3, 8] }, [3, 14])).toBe(true);
  });
});

// A rule's fixture modules: test/fixtures/rules/NAME.py, and variants NAME.VARIANT.py for cases that need a
// module of their own (trio or anyio code, a project on an older Python). A variant's first line may declare
// the project's supported Pythons, as requires-python would: `# target-python: >=3.8` or `>=3.8,<3.14`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AnalyzeOptions, PythonRange, PythonVersion } from '../../src/analyzer/types.js';
import { exampleModulePath, exampleProject } from './analyze.js';

const directory = new URL('../fixtures/rules/', import.meta.url);

export interface Fixture {
  /** `blocking-sleep.py`, `blocking-sleep.trio.py`. */
  file: string;
  text: string;
  /** The main fixture (which must hold cases to report); variants may hold only look-alikes. */
  main: boolean;
  /** The path the module is analyzed under: application code (see exampleModulePath), or the path a
   *  `# fixture-path: tests/test_x.py` line among the first two names. */
  path: string;
  options: AnalyzeOptions;
}

export function fixturesOf(name: string): Fixture[] {
  const files = existsSync(directory) ? readdirSync(directory) : [];
  const variants = files.filter((file) => file.startsWith(`${name}.`) && file.endsWith('.py') && file !== `${name}.py`
    && /^[\w-]+$/.test(file.slice(name.length + 1, -3)));
  return [`${name}.py`, ...variants.sort()].filter((file) => files.includes(file)).map((file) => {
    const text = readFileSync(new URL(file, directory), 'utf8');
    const variant = file.slice(name.length + 1, -3);
    const path = /^# fixture-path: (\S+)/m.exec(text.split('\n').slice(0, 2).join('\n'))?.[1]
      ?? exampleModulePath(name).replace(/\.py$/, variant ? `_${variant.replace(/-/g, '_')}.py` : '.py');
    const targetPython = declaredTarget(text);
    const project = { ...exampleProject(name), ...(targetPython ? { targetPython } : {}) };
    return { file, text, main: file === `${name}.py`, path, options: { project } };
  });
}

/** `# target-python: >=3.8,<3.14` on the first line. */
function declaredTarget(text: string): PythonRange | undefined {
  const match = /^# target-python: >=(\d+)\.(\d+)(?:,<(\d+)\.(\d+))?\s*$/m.exec(text.split('\n')[0]);
  if (!match) return undefined;
  const oldest: PythonVersion = [Number(match[1]), Number(match[2])];
  return match[3] ? { oldest, below: [Number(match[3]), Number(match[4])] } : { oldest };
}

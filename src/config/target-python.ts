// Which Pythons a project supports: every fix and message must exist on all of them. Read from the project's
// own declarations, as ruff reads them: `requires-python` ([project] in pyproject.toml), `python_requires`
// (setup.cfg or setup.py), Poetry's `python` dependency, ruff's `target-version` (pyproject.toml, ruff.toml),
// or an installed package's `Requires-Python` (METADATA / PKG-INFO); failing those, the oldest
// `Programming Language :: Python :: 3.N` classifier; failing those, what the README says in words
// ("Python >= 3.6", "Python 3.8+", a python-3.8 badge). Our config's `target-version` wins.
import { parse as parseToml } from 'smol-toml';
import type { PythonRange, PythonVersion } from '../analyzer/types.js';

export { DEFAULT_OLDEST_PYTHON } from '../analyzer/project-scope.js';

/** Files at a project's root that may declare its Pythons, in the order they are consulted. */
export const TARGET_PYTHON_FILES = ['pyproject.toml', 'setup.cfg', 'setup.py', 'ruff.toml', '.ruff.toml', 'README.md', 'README.rst'] as const;

const VERSION = /^(\d+)(?:\.(\d+|\*))?(?:\.(\d+|\*))?/;

function version(text: string): [number, number, number] | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  const part = (value: string | undefined) => (value === undefined || value === '*' ? 0 : Number(value));
  return [Number(match[1]), part(match[2]), part(match[3])];
}

const less = (a: PythonVersion, b: PythonVersion) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);

/** The range a PEP 440 specifier set allows (`>=3.7`, `>3.6, <4`, `~=3.8`, `==3.9.*`, `>= 3.6.2`), by minor
 *  version; undefined when it names no lower bound we can read. Also reads Poetry's `^3.8` / `~3.8`. */
export function parseRequiresPython(spec: string): PythonRange | undefined {
  let oldest: PythonVersion | undefined;
  let below: PythonVersion | undefined;
  const raiseOldest = (v: PythonVersion) => { if (!oldest || less(oldest, v)) oldest = v; };
  const lowerBelow = (v: PythonVersion) => { if (!below || less(v, below)) below = v; };
  for (const clause of spec.split(/[,|]/).map((part) => part.trim()).filter(Boolean)) {
    const match = /^(~=|===?|!=|<=|>=|<|>|\^|~)?\s*(.+)$/.exec(clause);
    if (!match) continue;
    const operator = match[1] ?? '==';
    const v = version(match[2]!);
    if (!v) continue;
    const [major, minor, micro] = v;
    switch (operator) {
      case '>=': case '~=': case '^': case '~':
        raiseOldest([major, minor]);
        if (operator === '^') lowerBelow([major + 1, 0]);
        if (operator === '~=' && /^\d+\.\d+$/.test(match[2]!.trim())) lowerBelow([major + 1, 0]);
        break;
      case '>':
        // `>3.6` allows 3.6.1, but in practice means 3.7: packages write it to exclude the 3.6 series.
        raiseOldest(/^\d+\.\d+$/.test(match[2]!.trim()) ? [major, minor + 1] : [major, minor]);
        break;
      case '==': case '===':
        raiseOldest([major, minor]);
        lowerBelow([major, minor + 1]);
        break;
      case '<':
        lowerBelow(micro === 0 ? [major, minor] : [major, minor + 1]); // `<3.14.2` still allows 3.14.0
        break;
      case '<=':
        lowerBelow([major, minor + 1]);
        break;
    }
  }
  return oldest ? { oldest, below } : undefined;
}

/** ruff's `target-version = "py38"`, or our config's `py38` / `3.8`. */
export function parseTargetVersion(text: string): PythonVersion | undefined {
  const match = /^(?:py(\d)(\d+)|(\d+)\.(\d+))$/.exec(text.trim());
  if (!match) return undefined;
  return match[1] ? [Number(match[1]), Number(match[2])] : [Number(match[3]), Number(match[4])];
}

function tomlTable(text: string): Record<string, unknown> | undefined {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined; // a broken pyproject.toml declares nothing we can trust
  }
}

const get = (table: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), table);

function fromPyproject(text: string): PythonRange | undefined {
  const table = tomlTable(text);
  if (!table) return undefined;
  const requires = get(table, 'project', 'requires-python') ?? get(table, 'tool', 'poetry', 'dependencies', 'python');
  if (typeof requires === 'string') return parseRequiresPython(requires);
  const ruffTarget = get(table, 'tool', 'ruff', 'target-version');
  if (typeof ruffTarget === 'string') {
    const oldest = parseTargetVersion(ruffTarget);
    return oldest ? { oldest } : undefined;
  }
  const classifiers = get(table, 'project', 'classifiers');
  return Array.isArray(classifiers) ? targetFromClassifiers(classifiers.join('\n')) : undefined;
}

function fromRuffToml(text: string): PythonRange | undefined {
  const target = get(tomlTable(text), 'target-version');
  const oldest = typeof target === 'string' ? parseTargetVersion(target) : undefined;
  return oldest ? { oldest } : undefined;
}

function fromSetupCfg(text: string): PythonRange | undefined {
  let inOptions = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\[/.test(line)) inOptions = /^\[options\]\s*$/.test(line.trim());
    else if (inOptions) {
      const match = /^python_requires\s*[=:]\s*(.+?)\s*$/.exec(line);
      if (match) return parseRequiresPython(match[1]!.replace(/^["']|["']$/g, ''));
    }
  }
  return targetFromClassifiers(text);
}

function fromSetupPy(text: string): PythonRange | undefined {
  const match = /\bpython_requires\s*=\s*(?:[rbuf]?)(["'])([^"'\n]+)\1/.exec(text);
  return match ? parseRequiresPython(match[2]!) : targetFromClassifiers(text);
}

/** The oldest `Programming Language :: Python :: 3.N` trove classifier in a text: a package that states no
 *  `requires-python` still says which Pythons it supports this way. */
export function targetFromClassifiers(text: string): PythonRange | undefined {
  let oldest: PythonVersion | undefined;
  for (const match of text.matchAll(/Programming Language :: Python :: (\d+)\.(\d+)\b/g)) {
    const version: PythonVersion = [Number(match[1]), Number(match[2])];
    if (!oldest || less(version, oldest)) oldest = version;
  }
  return oldest ? { oldest } : undefined;
}

/** How a README states the oldest Python in words: `Python >= 3.5.3`, `Python 3.8+`, `Python 3.7 or later`,
 *  `Python 3.6 - 3.10`, a shields badge `python-3.8%2B` or `python-3.6 | 3.7`. */
const PROSE_PYTHON = [
  /\bpython\s*(?:version\s*)?(?:>=|≥|=>)\s*3\.(\d+)/gi,
  /\bpython\s*3\.(\d+)(?:\.\d+)?\s*(?:\+|or\s+(?:later|newer|higher|above|greater)|and\s+(?:later|newer|higher|above)|(?:-|–|to)\s*3\.\d+)/gi,
  /badge\/python-3\.(\d+)\b/gi,
];

/** A project that declares its Pythons nowhere a tool reads may still say so in its README (or an installed
 *  package's description, which is its README): the oldest Python 3 said there, as a lower bound. */
export function targetFromProse(text: string): PythonRange | undefined {
  let oldest: PythonVersion | undefined;
  for (const pattern of PROSE_PYTHON) {
    for (const match of text.matchAll(pattern)) {
      const version: PythonVersion = [3, Number(match[1])];
      if (version[1] <= 30 && (!oldest || less(version, oldest))) oldest = version;
    }
  }
  return oldest ? { oldest } : undefined;
}

/** `Requires-Python: >=3.7` in an installed package's METADATA or PKG-INFO (headers end at the first blank
 *  line), else its oldest Python classifier, else what its description (the README) says in words. */
export function targetFromPackageMetadata(text: string): PythonRange | undefined {
  const headers = text.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const match = /^Requires-Python:\s*(.+?)\s*$/im.exec(headers);
  return match ? parseRequiresPython(match[1]!) : targetFromClassifiers(headers) ?? targetFromProse(text);
}

/** The range one of TARGET_PYTHON_FILES declares; undefined when it declares none. */
export function targetFromProjectFile(fileName: string, text: string): PythonRange | undefined {
  switch (fileName) {
    case 'pyproject.toml': return fromPyproject(text);
    case 'setup.cfg': return fromSetupCfg(text);
    case 'setup.py': return fromSetupPy(text);
    case 'ruff.toml': case '.ruff.toml': return fromRuffToml(text);
    case 'README.md': case 'README.rst': return targetFromProse(text);
    default: return undefined;
  }
}

/** The first declaration among a folder's files (texts in TARGET_PYTHON_FILES order, null when absent). */
export function targetFromProjectFiles(texts: readonly (string | null)[]): PythonRange | undefined {
  for (const [index, text] of texts.entries()) {
    const range = text === null ? undefined : targetFromProjectFile(TARGET_PYTHON_FILES[index]!, text);
    if (range) return range;
  }
  return undefined;
}

export function formatPythonVersion([major, minor]: PythonVersion): string {
  return `${major}.${minor}`;
}

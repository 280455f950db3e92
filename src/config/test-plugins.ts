// Which pytest plugins run a project's async tests, as far as its declared dependencies tell. pytest itself does
// not run an `async def test_*`; a plugin does, and which plugins do it without a marker depends on what is
// installed: pytest-asyncio needs `@pytest.mark.asyncio` (unless in auto mode), but pytest-aiohttp before 1.0,
// pytest-jupyter's server plugin, pytest-tornasync and pytest-twisted call every coroutine test themselves.
// So async-test-without-runner reports only when the project's dependency files can be read, name pytest, and
// name no plugin but those we know to leave unmarked coroutine tests alone. Pure: callers give file texts.
import { parse as parseToml } from 'smol-toml';

import type { AsyncTestMark } from '../analyzer/types.js';

export type { AsyncTestMark };

export interface Requirement {
  /** Normalized as PEP 503 does: lower case, runs of `-`, `_`, `.` as one `-`. */
  name: string;
  extras: string[];
  /** The version specifier (`>=1.0,<2`, Poetry's `^0.3`); '' when unpinned. null: pinned some way we cannot read
   *  (a URL). */
  spec: string | null;
}

/** What one folder's dependency files declare. */
export interface DeclaredDependencies {
  requirements: Requirement[];
  /** The names the folder's project goes by (`pip install .[test]` may name it): its own extras are read here. */
  projectNames: string[];
  /** Something could not be read: a broken file, an included file we were not given, a line naming pytest that
   *  we cannot parse. */
  unreadable: boolean;
}

/** Files of a folder that may declare dependencies, by name (the App fetches exactly these; the CLI also lists
 *  the folder for other requirements files, see isRequirementsFile). */
export const DEPENDENCY_FILES = [
  'pyproject.toml', 'setup.cfg', 'setup.py', 'tox.ini', 'Pipfile', 'noxfile.py',
  'requirements.txt', 'requirements-dev.txt', 'requirements_dev.txt', 'requirements-test.txt', 'requirements_test.txt',
  'requirements-tests.txt', 'requirements_tests.txt', 'requirements-testing.txt', 'test-requirements.txt',
  'test_requirements.txt', 'tests-requirements.txt', 'dev-requirements.txt', 'dev_requirements.txt',
  'requirements/test.txt', 'requirements/tests.txt', 'requirements/testing.txt', 'requirements/dev.txt',
  'requirements/development.txt', 'requirements/base.txt', 'requirements/ci.txt',
] as const;

/** A pip requirements file (or pip-tools input) by its path relative to a folder: `requirements*.txt`,
 *  `test-requirements.txt`, any `.txt`/`.in` in a `requirements/` folder. */
export function isRequirementsFile(relativePath: string): boolean {
  const parts = relativePath.split('/');
  const name = parts[parts.length - 1]!;
  if (!/\.(txt|in)$/i.test(name)) return false;
  if (parts.length === 2 && /^req(uirement)?s?([-_.].*)?$/i.test(parts[0]!)) return true;
  return parts.length === 1 && /requirements/i.test(name);
}

/** Plugins known to leave an unmarked coroutine test alone (pytest skips or fails it): runners that need a mark,
 *  and plugins that never call test functions. Any other pytest plugin might run it. */
const INERT_PLUGINS = new Set([
  'pytest', 'pytest-asyncio', 'pytest-trio', 'pytest-tornado', 'pytest-runner',
  'pytest-cov', 'pytest-xdist', 'pytest-forked', 'pytest-mock', 'pytest-timeout', 'pytest-randomly', 'pytest-rerunfailures',
  'pytest-benchmark', 'pytest-django', 'pytest-httpx', 'pytest-httpserver', 'pytest-localserver', 'pytest-env',
  'pytest-dotenv', 'pytest-sugar', 'pytest-html', 'pytest-order', 'pytest-ordering', 'pytest-repeat', 'pytest-socket',
  'pytest-freezegun', 'pytest-freezer', 'pytest-lazy-fixture', 'pytest-subtests', 'pytest-instafail', 'pytest-clarity',
  'pytest-icdiff', 'pytest-datadir', 'pytest-regressions', 'pytest-snapshot', 'pytest-github-actions-annotate-failures',
  'pytest-split', 'pytest-recording', 'pytest-vcr', 'pytest-mypy', 'pytest-flake8', 'pytest-black', 'pytest-isort',
  'pytest-pylint', 'pytest-memray', 'pytest-pretty', 'pytest-xprocess', 'pytest-unordered', 'pytest-check',
  'pytest-custom-exit-code', 'pytest-md-report', 'pytest-picked', 'pytest-profiling', 'pytest-reportlog', 'pytest-cases',
]);

/** Plugins that call coroutine tests without a mark (read from their sources): their projects never need one. */
export const UNMARKED_RUNNER_PLUGINS: ReadonlyMap<string, string> = new Map([
  ['pytest-aiohttp', 'before 1.0, its pytest_pyfunc_call runs every coroutine test on its loop'],
  ['pytest-jupyter', "its server plugin (vendored pytest-tornasync) runs every coroutine test on Tornado's loop"],
  ['pytest-tornasync', "runs every coroutine test on Tornado's IOLoop"],
  ['pytest-twisted', 'its pytest_pyfunc_call takes over every test call, in the reactor'],
]);

/** A dependency's test or development extra (`jupyter_server[test]`) brings test plugins of its own. */
const TEST_EXTRA = /^(tests?|testing|dev|devel|develop|development)([-_].*)?$/;

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

const REQUIREMENT = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(.*)$/;

/** A PEP 508 requirement (`pytest-aiohttp>=1.0`, `anyio[trio]; python_version>"3.8"`, `x @ https://...`); null
 *  when the text is none. */
export function parseRequirement(text: string): Requirement | null {
  const match = REQUIREMENT.exec(text.split(';')[0]!.trim());
  if (!match) return null;
  let spec: string | null = match[3]!.trim();
  if (spec.startsWith('@')) spec = null;
  else if (spec !== '' && !/^\(?\s*(~=|===?|!=|<=|>=|<|>)/.test(spec)) return null;
  return {
    name: normalizeName(match[1]!),
    extras: match[2] ? match[2].split(',').map((extra) => normalizeName(extra.trim())).filter(Boolean) : [],
    spec: spec?.replace(/[()\s]/g, '') ?? null,
  };
}

/** Reads a path relative to the folder: its text, null when absent, undefined when not available (the App has
 *  only the files it fetched). */
export type ReadRelative = (relativePath: string) => string | null | undefined;

/** Everything a folder's dependency files declare. `files`: path relative to the folder → text. Files they include
 *  (`-r other.txt`, setuptools' `file:` lists) are read with `read`; one that cannot be read makes the result
 *  unreadable. */
export function declaredDependencies(files: ReadonlyMap<string, string>, read: ReadRelative): DeclaredDependencies {
  const declared: DeclaredDependencies = { requirements: [], projectNames: [], unreadable: false };
  const done = new Set<string>();
  const include = (path: string) => {
    const normalized = normalizePath(path);
    if (done.has(normalized)) return;
    done.add(normalized);
    const text = files.get(normalized) ?? read(normalized);
    if (typeof text !== 'string') declared.unreadable = true;
    else readRequirementsFile(text, dirname(normalized), declared, include);
  };
  for (const [path, text] of files) {
    if (done.has(path)) continue;
    done.add(path);
    const name = path.slice(path.lastIndexOf('/') + 1);
    const folder = dirname(path);
    switch (name) {
      case 'pyproject.toml': readPyproject(text, folder, declared, include); break;
      case 'setup.cfg': readSetupCfg(text, folder, declared, include); break;
      case 'setup.py': case 'noxfile.py': readPythonLiterals(text, folder, declared, include, name === 'setup.py'); break;
      case 'tox.ini': readToxIni(text, folder, declared, include); break;
      case 'Pipfile': readPipfile(text, declared); break;
      default: readRequirementsFile(text, folder, declared, include);
    }
  }
  return declared;
}

/** The runner marks available when the declared dependencies (of a test module's folder and every folder above
 *  it) are known to leave unmarked coroutine tests unrun; null when that is unknown: something could not be
 *  read, pytest is not named (the test environment is declared elsewhere), a plugin we do not know or one that
 *  runs such tests is named, or a dependency's test extra brings plugins of its own. */
export function asyncTestMarksOf(declared: readonly DeclaredDependencies[]): AsyncTestMark[] | null {
  if (declared.length === 0 || declared.some((folder) => folder.unreadable)) return null;
  const own = new Set(declared.flatMap((folder) => folder.projectNames));
  const requirements = declared.flatMap((folder) => folder.requirements).filter((requirement) => !own.has(requirement.name));
  if (!requirements.some((requirement) => requirement.name === 'pytest' || requirement.name.startsWith('pytest-'))) return null;
  const marks = new Set<AsyncTestMark>();
  let aiohttpPlugin = false;
  let legacyAsyncioMode = false;
  for (const { name, extras, spec } of requirements) {
    if (extras.some((extra) => TEST_EXTRA.test(extra))) return null;
    switch (name) {
      case 'pytest-asyncio':
        marks.add('asyncio');
        // Before 0.19 the default mode was "legacy", in which pytest-aiohttp 1.0.2+ switches to auto mode.
        if (spec !== null && allowsOnlyBelow(spec, [0, 19])) legacyAsyncioMode = true;
        break;
      case 'pytest-trio': marks.add('trio'); break;
      case 'anyio': marks.add('anyio'); break;
      case 'pytest-aiohttp':
        // 1.0 hands async tests to pytest-asyncio; before, it ran them all itself. Unpinned: either.
        if (spec === null || !allowsOnlyFrom(spec, [1, 0])) return null;
        aiohttpPlugin = true;
        marks.add('asyncio');
        break;
      default:
        if (name.includes('pytest') && !INERT_PLUGINS.has(name)) return null;
    }
  }
  if (aiohttpPlugin && legacyAsyncioMode) return null;
  return [...marks].sort();
}

// ---------------------------------------------------------------- versions

type Version = number[];

function parseVersion(text: string): Version | null {
  const match = /^v?(\d+(?:\.\d+)*)/.exec(text.trim());
  return match ? match[1]!.split('.').map(Number) : null;
}

function compare(a: Version, b: Version): number {
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** `V` with its part at `index` raised by one and the rest dropped: the exclusive upper bound of `~=`, `^`, `==V.*`. */
function bump(version: Version, index: number): Version {
  return [...version.slice(0, index), (version[index] ?? 0) + 1];
}

interface Bounds {
  lower?: Version;
  /** Exclusive unless `upperInclusive`. */
  upper?: Version;
  upperInclusive?: boolean;
}

/** The versions a specifier allows, as bounds (PEP 440 and Poetry's `^`/`~`; `!=` excluded versions are ignored). */
function bounds(spec: string): Bounds {
  const result: Bounds = {};
  const raise = (version: Version) => { if (!result.lower || compare(version, result.lower) > 0) result.lower = version; };
  const lower = (version: Version, inclusive: boolean) => {
    if (!result.upper || compare(version, result.upper) < 0 || (compare(version, result.upper) === 0 && !inclusive)) {
      result.upper = version;
      result.upperInclusive = inclusive;
    }
  };
  for (const clause of spec.split(',').map((part) => part.trim()).filter(Boolean)) {
    const match = /^(~=|===?|!=|<=|>=|<|>|\^|~)?\s*(.*)$/.exec(clause)!;
    const operator = match[1] ?? '==';
    const text = match[2]!;
    const version = parseVersion(text);
    if (!version) continue; // `*`
    switch (operator) {
      case '>=': case '>': raise(version); break;
      case '<': lower(version, false); break;
      case '<=': lower(version, true); break;
      case '==': case '===':
        raise(version);
        if (text.endsWith('.*')) lower(bump(version, version.length - 1), false);
        else lower(version, true);
        break;
      case '~=': raise(version); lower(bump(version, Math.max(0, version.length - 2)), false); break;
      case '^': {
        raise(version);
        const first = version.findIndex((part) => part !== 0);
        lower(bump(version, first === -1 ? version.length - 1 : first), false);
        break;
      }
      case '~': raise(version); lower(bump(version, version.length === 1 ? 0 : 1), false); break;
    }
  }
  return result;
}

/** Does the specifier allow only versions below `version`? */
export function allowsOnlyBelow(spec: string, version: Version): boolean {
  const { upper, upperInclusive } = bounds(spec);
  return !!upper && (upperInclusive ? compare(upper, version) < 0 : compare(upper, version) <= 0);
}

/** Does the specifier allow only `version` and later? */
export function allowsOnlyFrom(spec: string, version: Version): boolean {
  const { lower } = bounds(spec);
  return !!lower && compare(lower, version) >= 0;
}

// ---------------------------------------------------------------- file formats

type Include = (path: string) => void;

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? '' : path.slice(0, slash);
}

function join(folder: string, path: string): string {
  return folder === '' || path.startsWith('/') ? path : `${folder}/${path}`;
}

/** `a/./b/../c` → `a/c`; a path above the folder keeps its leading `..`. */
function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function addRequirement(text: string, declared: DeclaredDependencies): void {
  const requirement = parseRequirement(text);
  if (requirement) declared.requirements.push(requirement);
  else if (/pytest/i.test(text)) declared.unreadable = true;
}

/** One line of a requirements file, or one item of a tox `deps` or TOML list, which may hold the same options. */
function addRequirementLine(line: string, folder: string, declared: DeclaredDependencies, include: Include): void {
  const text = line.replace(/(^|\s)#.*$/, '').trim();
  if (text === '') return;
  const option = /^(-r|--requirement|-c|--constraint)(?:\s*=?\s*)(.+)$/.exec(text);
  if (option) {
    include(join(folder, option[2]!.trim().replace(/^\{toxinidir\}\//, '')));
    return;
  }
  const editable = /^(?:-e|--editable)\s*=?\s*(.+)$/.exec(text);
  const target = editable ? editable[1]!.trim() : text;
  if (/^(\.|file:|\{toxinidir\})/.test(target)) return; // the project itself, whose extras are read here
  const egg = /#egg=([A-Za-z0-9._-]+)/.exec(target);
  if (egg) {
    declared.requirements.push({ name: normalizeName(egg[1]!), extras: [], spec: null });
    return;
  }
  if (target.startsWith('-') || target.startsWith('{')) {
    if (/pytest/i.test(target)) declared.unreadable = true; // an option or substitution we do not follow
    return;
  }
  addRequirement(target.replace(/\s+--hash[= ]\S+/g, ''), declared);
}

function readRequirementsFile(text: string, folder: string, declared: DeclaredDependencies, include: Include): void {
  for (const line of text.replace(/\\\r?\n/g, ' ').split(/\r?\n/)) addRequirementLine(line, folder, declared, include);
}

function tomlTable(text: string): Record<string, unknown> | undefined {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const get = (table: unknown, ...keys: string[]): unknown =>
  keys.reduce<unknown>((value, key) => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined), table);

const entries = (table: unknown): [string, unknown][] =>
  table && typeof table === 'object' && !Array.isArray(table) ? Object.entries(table as Record<string, unknown>) : [];

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

function readPyproject(text: string, folder: string, declared: DeclaredDependencies, include: Include): void {
  const table = tomlTable(text);
  if (!table) {
    declared.unreadable = true;
    return;
  }
  const line = (item: string) => addRequirementLine(item, folder, declared, include);
  for (const name of [get(table, 'project', 'name'), get(table, 'tool', 'poetry', 'name')]) {
    if (typeof name === 'string') declared.projectNames.push(normalizeName(name));
  }
  strings(get(table, 'project', 'dependencies')).forEach(line);
  for (const [, list] of entries(get(table, 'project', 'optional-dependencies'))) strings(list).forEach(line);
  for (const [, list] of entries(get(table, 'dependency-groups'))) strings(list).forEach(line); // `{include-group}` tables: read anyway
  for (const [, list] of entries(get(table, 'tool', 'pdm', 'dev-dependencies'))) strings(list).forEach(line);
  strings(get(table, 'tool', 'uv', 'dev-dependencies')).forEach(line);
  strings(get(table, 'tool', 'rye', 'dev-dependencies')).forEach(line);
  for (const [, env] of entries(get(table, 'tool', 'hatch', 'envs'))) {
    strings(get(env, 'dependencies')).forEach(line);
    strings(get(env, 'extra-dependencies')).forEach(line);
  }
  // Poetry: `name = "^1.0"`, `name = { version = "^1.0", extras = [...] }`, or a list of such per Python.
  const poetryTables = [get(table, 'tool', 'poetry', 'dependencies'), get(table, 'tool', 'poetry', 'dev-dependencies'),
    ...entries(get(table, 'tool', 'poetry', 'group')).map(([, group]) => get(group, 'dependencies'))];
  for (const dependencies of poetryTables) {
    for (const [name, value] of entries(dependencies)) {
      if (name === 'python') continue;
      for (const constraint of Array.isArray(value) ? value : [value]) declared.requirements.push(poetryRequirement(name, constraint));
    }
  }
  // tox 4 in pyproject.toml: `[tool.tox.env_run_base]` / `[tool.tox.env.NAME]` deps, or the legacy ini text.
  strings(get(table, 'tool', 'tox', 'env_run_base', 'deps')).forEach(line);
  for (const [, env] of entries(get(table, 'tool', 'tox', 'env'))) strings(get(env, 'deps')).forEach(line);
  const legacyTox = get(table, 'tool', 'tox', 'legacy_tox_ini');
  if (typeof legacyTox === 'string') readToxIni(legacyTox, folder, declared, include);
  // setuptools reading (optional) dependencies from files.
  const dynamic = get(table, 'tool', 'setuptools', 'dynamic');
  const fileLists = [get(dynamic, 'dependencies'), ...entries(get(dynamic, 'optional-dependencies')).map(([, value]) => value)];
  for (const list of fileLists) {
    const files = get(list, 'file');
    for (const file of typeof files === 'string' ? [files] : strings(files)) include(join(folder, file));
  }
}

function poetryRequirement(name: string, value: unknown): Requirement {
  const version = typeof value === 'string' ? value : get(value, 'version');
  const extras = strings(get(value, 'extras')).map(normalizeName);
  const pinnedElsewhere = typeof value === 'object' && value !== null && (get(value, 'git') ?? get(value, 'path') ?? get(value, 'url')) !== undefined;
  const spec = pinnedElsewhere ? null : typeof version === 'string' ? (version.trim() === '*' ? '' : version.replace(/\s+/g, '')) : '';
  return { name: normalizeName(name), extras, spec };
}

/** An ini file's sections: name → key → value (continuation lines joined with newlines). */
function iniSections(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | null = null;
  let key: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      section = new Map();
      sections.set(header[1]!.trim(), section);
      key = null;
    } else if (!section || /^\s*[#;]/.test(line)) {
      continue;
    } else if (/^\s+\S/.test(line) && key !== null) {
      section.set(key, `${section.get(key)}\n${line.trim()}`);
    } else {
      const entry = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
      key = entry ? entry[1]!.trim() : null;
      if (entry) section.set(key!, entry[2]!.trim());
    }
  }
  return sections;
}

function readSetupCfg(text: string, folder: string, declared: DeclaredDependencies, include: Include): void {
  const sections = iniSections(text);
  const name = sections.get('metadata')?.get('name');
  if (name) declared.projectNames.push(normalizeName(name));
  const values = [
    ...['install_requires', 'tests_require', 'setup_requires'].map((key) => sections.get('options')?.get(key)),
    ...(sections.get('options.extras_require')?.values() ?? []),
  ];
  for (const value of values) {
    if (!value) continue;
    const files = /^file:\s*(.+)$/.exec(value.trim());
    if (files) files[1]!.split(',').forEach((file) => include(join(folder, file.trim())));
    else value.split('\n').forEach((item) => addRequirementLine(item, folder, declared, include));
  }
}

function readToxIni(text: string, folder: string, declared: DeclaredDependencies, include: Include): void {
  for (const [name, section] of iniSections(text)) {
    if (name !== 'testenv' && !name.startsWith('testenv:')) continue;
    for (const item of (section.get('deps') ?? '').split('\n')) {
      // `py38,py39: pytest-asyncio<0.19`: a factor-conditional line.
      addRequirementLine(item.replace(/^[\w.!,-]+:\s+/, ''), folder, declared, include);
    }
  }
}

function readPipfile(text: string, declared: DeclaredDependencies): void {
  const table = tomlTable(text);
  if (!table) {
    declared.unreadable = true;
    return;
  }
  for (const section of ['packages', 'dev-packages']) {
    for (const [name, value] of entries(table[section])) declared.requirements.push(poetryRequirement(name, value));
  }
}

/** setup.py or noxfile.py: code, so only its string literals are read: those naming pytest or a plugin, a
 *  dependency's test extra, anyio, and requirements files it opens or installs from. */
function readPythonLiterals(text: string, folder: string, declared: DeclaredDependencies, include: Include, isSetup: boolean): void {
  if (isSetup) {
    const name = /\bname\s*=\s*["']([^"']+)["']/.exec(text);
    if (name) declared.projectNames.push(normalizeName(name[1]!));
  }
  for (const match of text.matchAll(/(["'])([^"'\n\\]{1,200})\1/g)) {
    const literal = match[2]!.trim();
    if (/^[\w./-]*requirements[\w./-]*\.(txt|in)$/i.test(literal)) {
      include(join(folder, literal));
      continue;
    }
    const requirement = parseRequirement(literal);
    if (!requirement) continue;
    if (requirement.name.includes('pytest') || requirement.name === 'anyio' || requirement.extras.some((extra) => TEST_EXTRA.test(extra))) {
      declared.requirements.push(requirement);
    }
  }
}

// ---------------------------------------------------------------- where the files are

/** The folders whose dependency files apply to a test module: its own and every one above it, up to the root
 *  the path is relative to ('' for the root), POSIX. */
export function foldersAbove(modulePath: string): string[] {
  const parts = modulePath.split('/').slice(0, -1);
  const folders: string[] = [];
  for (let depth = parts.length; depth >= 0; depth--) {
    if (parts[depth - 1] === '..') break;
    folders.push(parts.slice(0, depth).join('/'));
  }
  return folders;
}

/** The marks for a test module whose folder and the folders above it are `folders`, from their DEPENDENCY_FILES
 *  only (the App cannot list folders). `readText`: a path from the root → its text, null when absent, undefined
 *  when not fetched or not readable as text (then the answer is unknown). */
export function asyncTestMarksFromFiles(folders: readonly string[], readText: (path: string) => string | null | undefined): AsyncTestMark[] | null {
  const declared: DeclaredDependencies[] = [];
  for (const folder of folders) {
    const files = new Map<string, string>();
    for (const name of DEPENDENCY_FILES) {
      const text = readText(join(folder, name));
      if (text === undefined) return null;
      if (text !== null) files.set(name, text);
    }
    if (files.size > 0) declared.push(declaredDependencies(files, (path) => (path.startsWith('..') ? undefined : readText(join(folder, path)))));
  }
  return asyncTestMarksOf(declared);
}

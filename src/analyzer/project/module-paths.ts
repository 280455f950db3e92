// Module names and paths under the project's source roots: `src/billing/db.py` is `billing.db` with the
// roots '' and 'src' (ruff's default), and `billing/__init__.py` is the package `billing`.

export const DEFAULT_SOURCE_ROOTS: readonly string[] = ['', 'src'];

const IDENTIFIER = /^[A-Za-z_]\w*$/;

/** The module names of a project's Python files, and the other way round. */
export class ModulePaths {
  private readonly pathOf = new Map<string, string>();
  private readonly rootOfName = new Map<string, string>();
  private readonly roots: string[];

  constructor(paths: Iterable<string>, sourceRoots: readonly string[] = DEFAULT_SOURCE_ROOTS) {
    // The most specific root first: `src/billing/db.py` is `billing.db`, not `src.billing.db`.
    this.roots = [...new Set(sourceRoots.map(normalizedRoot))].sort((a, b) => b.length - a.length);
    const byRootOrder = [...paths].filter((path) => /\.pyi?$/.test(path));
    // A module's `.py` wins over its stub.
    byRootOrder.sort((a, b) => Number(a.endsWith('.pyi')) - Number(b.endsWith('.pyi')));
    for (const path of byRootOrder) {
      for (const root of this.roots) {
        const name = moduleNameUnder(path, root);
        if (name !== null && !this.pathOf.has(name)) {
          this.pathOf.set(name, path);
          this.rootOfName.set(name, root);
        }
      }
    }
  }

  /** The file of a module name (`billing.db` → `src/billing/db.py`), if the project has one. */
  path(moduleName: string): string | undefined {
    return this.pathOf.get(moduleName);
  }

  /** The source root a module name was found under. */
  rootOf(moduleName: string): string | undefined {
    return this.rootOfName.get(moduleName);
  }

  /** The most specific source root holding a file (as moduleName names it). */
  rootOfPath(path: string): string | undefined {
    return this.roots.find((root) => moduleNameUnder(path, root) !== null);
  }

  /** The module name of a file under the most specific source root holding it; null outside every root or
   *  for a path that is no module name (`my-scripts/run.py`). */
  moduleName(path: string): string | null {
    const root = this.rootOfPath(path);
    return root === undefined ? null : moduleNameUnder(path, root);
  }

  /** The project modules a qualified name may lie in, longest first (`pkg.db.fetch` → `pkg.db`, `pkg`). */
  modulesOf(qualifiedName: string): string[] {
    // Summaries name the same callees and bases over and over: each name is split once.
    let found = this.modulesOfName.get(qualifiedName);
    if (!found) this.modulesOfName.set(qualifiedName, (found = this.computeModulesOf(qualifiedName)));
    return found;
  }

  private readonly modulesOfName = new Map<string, string[]>();

  private computeModulesOf(qualifiedName: string): string[] {
    const parts = qualifiedName.split('.');
    const found: string[] = [];
    for (let length = parts.length; length > 0; length--) {
      const name = parts.slice(0, length).join('.');
      if (this.pathOf.has(name)) found.push(name);
    }
    return found;
  }
}

/** A source root as ModulePaths compares them: `./src/` → `src`, `.` → ''. */
export function normalizedRoot(root: string): string {
  return root.replace(/^\.?\/+|\/+$/g, '').replace(/^\.$/, '');
}

function moduleNameUnder(path: string, root: string): string | null {
  if (root !== '' && !path.startsWith(`${root}/`)) return null;
  const parts = path.slice(root === '' ? 0 : root.length + 1).replace(/\.pyi?$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  if (parts.length === 0 || !parts.every((part) => IDENTIFIER.test(part))) return null;
  return parts.join('.');
}

/** `from . import x`, `from ..db import fetch` in module `pkg.sub.api` (a package itself when `isPackage`):
 *  the absolute module name, or null when the dots climb past the top. */
export function resolveRelativeModule(relative: string, importer: string, isPackage: boolean): string | null {
  const dots = /^\.*/.exec(relative)![0].length;
  if (dots === 0) return relative;
  const packageParts = importer.split('.');
  if (!isPackage) packageParts.pop();
  const up = dots - 1;
  if (up > packageParts.length || (up === packageParts.length && packageParts.length === 0)) return null;
  const base = packageParts.slice(0, packageParts.length - up);
  const rest = relative.slice(dots);
  const name = [...base, ...(rest ? [rest] : [])].join('.');
  return name || null;
}

const IMPORT_STATEMENT = /^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)|import[ \t]+([^\n#;]+))/gm;

/** The modules a file's text may import (absolute names; `from x import a` also gives `x.a`, which may be a
 *  submodule). Read from the text without parsing: an over-approximation is harmless, the index only reads
 *  what exists. Imports inside functions count too. */
export function importedModules(text: string, importer: string, isPackage: boolean): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(IMPORT_STATEMENT)) {
    const [, from, names, plain] = match;
    if (plain !== undefined) {
      for (const item of plain.replace(/\\\n/g, ' ').split(',')) {
        const name = item.trim().split(/\s+/)[0];
        if (name && /^[\w.]+$/.test(name)) found.add(name);
      }
      continue;
    }
    const module = resolveRelativeModule(from!, importer, isPackage);
    if (module === null) continue;
    found.add(module);
    for (const item of names!.replace(/[()\\]/g, ' ').split(',')) {
      const name = item.trim().split(/\s+/)[0];
      if (name && name !== '*' && /^\w+$/.test(name)) found.add(`${module}.${name}`);
    }
  }
  return [...found];
}

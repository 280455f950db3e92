// Whether a module that says nothing async may still call a coroutine of the project index: the engine's
// skip-without-parsing test asks this of such a module (a sync script's `if not poller.poll():`).
import type { FunctionSummary, ProjectIndexData } from './summary.js';
import { importedModules } from './module-paths.js';

/** The names (last parts) of each indexed module's coroutine functions and methods, per index. */
const coroutinesByIndex = new WeakMap<ProjectIndexData, ReadonlyMap<string, ReadonlySet<string>>>();

function coroutinesOf(index: ProjectIndexData): ReadonlyMap<string, ReadonlySet<string>> {
  let byModule = coroutinesByIndex.get(index);
  if (!byModule) {
    const found = new Map<string, Set<string>>();
    for (const [module, { summary }] of Object.entries(index.modules)) {
      const names = new Set<string>();
      const add = (functions: Record<string, FunctionSummary>) => {
        for (const [name, fn] of Object.entries(functions)) if (fn.kind === 'coroutine') names.add(name.slice(name.lastIndexOf('.') + 1));
      };
      add(summary.functions);
      for (const cls of Object.values(summary.classes)) add(cls.methods);
      if (names.size > 0) found.set(module, names);
    }
    coroutinesByIndex.set(index, (byModule = found));
  }
  return byModule;
}

/** Does the text import a module of the index that defines coroutines (`from cylc.flow.command_polling import
 *  Poller`) and call one of them by name (`poller.poll()`)? A name alone is not enough: `run`, `get` and
 *  `close` are in most modules. (One re-exported through a package's `__init__` is missed.) */
export function callsProjectCoroutine(text: string, index: ProjectIndexData, moduleName: string, isPackage: boolean): boolean {
  const byModule = coroutinesOf(index);
  if (byModule.size === 0) return false;
  const called = new Set<string>();
  for (const imported of importedModules(text, moduleName, isPackage)) {
    // `from pkg.mod import Name` reaches `pkg.mod.Name`: its module is `pkg.mod`.
    const names = byModule.get(imported) ?? byModule.get(imported.slice(0, imported.lastIndexOf('.')));
    for (const name of names ?? []) called.add(name);
  }
  for (const name of called) if (new RegExp(`\\b${name}\\s*\\(`).test(text)) return true;
  return false;
}

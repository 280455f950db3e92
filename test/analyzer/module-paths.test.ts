// Module names under source roots, relative imports, and the imports a file's text names (read without parsing).
import { describe, expect, it } from 'vitest';
import { importedModules, ModulePaths, resolveRelativeModule } from '../../src/analyzer/project/module-paths.js';

describe('ModulePaths', () => {
  const paths = new ModulePaths(['src/billing/__init__.py', 'src/billing/db.py', 'src/billing/db.pyi', 'tools/run.py', 'my-scripts/x.py', 'setup.py']);

  it('names modules under the most specific source root (src layout), packages by their folder', () => {
    expect(paths.moduleName('src/billing/db.py')).toBe('billing.db');
    expect(paths.moduleName('src/billing/__init__.py')).toBe('billing');
    expect(paths.moduleName('tools/run.py')).toBe('tools.run');
    expect(paths.moduleName('my-scripts/x.py')).toBeNull(); // no module name
  });

  it('finds the file of a module, its .py before its stub, and the modules a qualified name may lie in', () => {
    expect(paths.path('billing.db')).toBe('src/billing/db.py');
    expect(paths.path('billing')).toBe('src/billing/__init__.py');
    expect(paths.path('src.billing.db')).toBe('src/billing/db.py'); // under the root '' too
    expect(paths.modulesOf('billing.db.fetch_invoice')).toEqual(['billing.db', 'billing']);
    expect(paths.modulesOf('requests.get')).toEqual([]);
  });

  it('takes configured source roots', () => {
    const lib = new ModulePaths(['lib/app/core.py'], ['lib']);
    expect(lib.moduleName('lib/app/core.py')).toBe('app.core');
    expect(lib.path('lib.app.core')).toBeUndefined();
  });
});

describe('relative imports', () => {
  it('climb from the module, or from a package itself', () => {
    expect(resolveRelativeModule('.db', 'billing.api', false)).toBe('billing.db');
    expect(resolveRelativeModule('.db', 'billing', true)).toBe('billing.db');
    expect(resolveRelativeModule('..', 'billing.sub.api', false)).toBe('billing');
    expect(resolveRelativeModule('...x', 'billing.api', false)).toBeNull(); // past the top
  });
});

describe('importedModules', () => {
  it('reads every form of import, in functions too, with names that may be submodules', () => {
    const text = [
      'import os, billing.db as db',
      'from . import client as client_module',
      'from .streams import (',
      '    invoice_events,',
      '    other as renamed,',
      ')',
      'from billing.retry import *',
      'def f():',
      '    from ..shared import helper',
    ].join('\n');
    expect(importedModules(text, 'billing.sub.api', false).sort()).toEqual([
      'billing.db', 'billing.retry', 'billing.shared', 'billing.shared.helper', 'billing.sub', 'billing.sub.client',
      'billing.sub.streams', 'billing.sub.streams.invoice_events', 'billing.sub.streams.other', 'os',
    ]);
  });
});

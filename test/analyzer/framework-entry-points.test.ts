// A coroutine method that a framework calls per request, known through a base class in another module of the
// project (jupyterhub's API handlers derive from its BaseHandler, a tornado RequestHandler): swallowing a
// cancellation there spoils nothing the framework does next. The same shape on a class of no framework is
// still reported.
import { describe, expect, it } from 'vitest';
import { analyzeFiles } from '../../src/analyzer/index.js';
import type { ModuleSource } from '../../src/analyzer/project/module-source.js';

const MODULES: Record<string, string> = {
  'hub/__init__.py': '',
  // jupyterhub's layout: the package star-imports two modules that both bind BaseHandler (one defines it, the
  // other imports it), which is still one class.
  'hub/web/__init__.py': 'from . import base, login\nfrom .base import *\nfrom .login import *\n',
  'hub/web/base.py': `from tornado import web


class BaseHandler(web.RequestHandler):
    pass


class Plain:
    pass
`,
  'hub/web/login.py': `from .base import BaseHandler


class LoginHandler(BaseHandler):
    pass
`,
  'hub/handlers.py': `import asyncio

from hub.web import BaseHandler, Plain

${['ProgressHandler(BaseHandler)', 'Poller(Plain)'].map((header) => `
class ${header}:
    async def get(self):
        try:
            await self.stream_progress()
        except asyncio.CancelledError:
            pass
        self.finish({"ready": True})
`).join('\n')}`,
};

const source: ModuleSource = {
  listPaths: async () => new Set(Object.keys(MODULES)),
  read: async (paths) => new Map(paths.filter((path) => path in MODULES).map((path) => [path, MODULES[path]!])),
};

describe('framework entry points across modules', () => {
  it('leaves alone a request handler method whose framework base is in another module (through two star imports), and reports the look-alike', async () => {
    const result = await analyzeFiles([{ path: 'hub/handlers.py', content: MODULES['hub/handlers.py']! }], { context: { source } });
    const lines = result.findings.filter((f) => f.rule === 'swallowed-cancellation').map((f) => `${f.line} ${f.message.slice(0, 60)}`);
    expect(lines).toEqual([expect.stringMatching(/^19 `except asyncio.CancelledError:` in coroutine `Poller.get`/)]);
  });

  it('without the project index the base is unknown, and the handler is reported like any coroutine', async () => {
    const result = await analyzeFiles([{ path: 'hub/handlers.py', content: MODULES['hub/handlers.py']! }]);
    expect(result.findings.filter((f) => f.rule === 'swallowed-cancellation').map((f) => f.line)).toEqual([10, 19]);
  });
});

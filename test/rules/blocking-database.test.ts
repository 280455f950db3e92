// blocking-database and SQLite: a local SQLite file is file I/O, reported where blocking-file-io is on (by the
// config, or by a library that enforces it: Home Assistant), never for a database in memory.
import { describe, expect, it } from 'vitest';
import blockingDatabase from '../../rules/blocking-database.js';
import blockingFileIo from '../../rules/blocking-file-io.js';
import { analyzeFiles } from '../../src/analyzer/index.js';
import { findingsIn } from '../helpers/analyze.js';

const module = (imports: string) => `import sqlite3
${imports}


async def lookup(path, user):
    with sqlite3.connect(path) as db:
        return db.execute("SELECT name FROM users WHERE id = ?", (user,)).fetchone()


async def cache():
    return sqlite3.connect(":memory:")
`;

const lines = async (source: string, fileIo: 'warning' | undefined) => {
  const rules = [blockingDatabase, blockingFileIo];
  const findings = await findingsIn(source, { rules, select: fileIo ? undefined : ['blocking-database'], ruleSettings: fileIo ? { 'blocking-file-io': fileIo } : {}, path: 'app/store.py' });
  return findings.filter((f) => f.rule === 'blocking-database').map((f) => f.line);
};

describe('blocking-database and SQLite files', () => {
  it('leaves a local SQLite file alone while blocking-file-io is off (its default)', async () => {
    expect(await lines(module('import asyncio'), undefined)).toEqual([]);
  });

  it('reports it where blocking-file-io is on, and never a database in memory', async () => {
    expect(await lines(module('import asyncio'), 'warning')).toEqual([6]);
  });

  it('with the default rules: reported in a Home Assistant module (file I/O in its loop is enforced), not beside it', async () => {
    const defaults = async (source: string) => (await analyzeFiles([{ path: 'app/store.py', content: source }])).findings.filter((f) => f.rule === 'blocking-database').map((f) => f.line);
    expect(await defaults(module('from homeassistant.core import HomeAssistant'))).toEqual([6]);
    expect(await defaults(module('import asyncio'))).toEqual([]);
  });

  it('reports a server database client whatever blocking-file-io says', async () => {
    const source = 'import psycopg2\n\n\nasync def count(dsn):\n    return psycopg2.connect(dsn)\n';
    expect(await lines(source, undefined)).toEqual([5]);
  });
});

// The folder rules of CONVENTIONS rule 7 live in eslint.config.js; this proves a wrong import fails lint.
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it.each([
    ['shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;", 'no Node APIs'],
    ['shared/x.ts', "import { createServer } from '../server/createServer.ts';\nexport const f = createServer;", 'nothing of ours'],
    ['shared/x.ts', "import React from 'react';\nexport const f = React;", 'runtime-specific'],
    ['shared/export/x.ts', "import { x } from '../../test/fixtures/x.ts';\nexport const f = x;", 'nothing of ours'],
    ['shared/export/x.ts', "import { readFileSync } from 'node:fs';\nexport const f = readFileSync;", 'no Node APIs'],
    ['renderer/x.ts', "import { createServer } from '../server/createServer.ts';\nexport const f = createServer;", 'never imports server/'],
    ['renderer/components/x.ts', "import { io } from 'socket.io-client';\nexport const f = io;", 'Only renderer/sync/socketTransport.ts'],
    ['renderer/x.ts', "import { app } from 'electron';\nexport const f = app;", 'Only main/'],
    ['server/x.ts', "import { App } from '../renderer/App.tsx';\nexport const f = App;", 'never imports renderer/'],
    ['server/x.ts', "import { app } from 'electron';\nexport const f = app;", 'Only main/'],
    ['main/x.ts', "import { createServer } from '../server/createServer.ts';\nexport const f = createServer;", 'never imports server/'],
  ])('%s: %s', async (file, code, expected) => {
    const messages = await errorsFor(file, code);
    expect(messages.join('\n')).toContain(expected);
  });

  it.each([
    ['renderer/sync/socketTransport.ts', "import { io } from 'socket.io-client';\nexport const f = io;"],
    ['renderer/x.ts', "import { apply } from '../shared/reducer.ts';\nexport const f = apply;"],
    ['shared/export/x.ts', "import { apply } from '../reducer.ts';\nexport const f = apply;"],
    ['server/x.ts', "import { apply } from '../shared/reducer.ts';\nexport const f = apply;"],
    ['main/x.ts', "import { app } from 'electron';\nexport const f = app;"],
  ])('%s may import what it needs', async (file, code) => {
    expect(await errorsFor(file, code)).toEqual([]);
  });
});

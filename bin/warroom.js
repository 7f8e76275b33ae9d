#!/usr/bin/env node
// The package bin: Node (>= 22.18, type stripping) runs the TypeScript CLI directly.
import process from 'node:process';
import { main } from '../server/cli.ts';

process.exitCode = await main(process.argv.slice(2));

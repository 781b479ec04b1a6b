#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx compiles each module on load.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv);

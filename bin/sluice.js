#!/usr/bin/env node
// Runs the TypeScript sources directly (no build step): tsx compiles each module on load.
import { register } from 'tsx/esm/api';

register();
// `sluice audit | head`: the reader has gone, so the rest of the output has nowhere to go; stop quietly.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv);

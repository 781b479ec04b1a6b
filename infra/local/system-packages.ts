/** Installing a missing tool (redis-server, unzip) from Debian's packages, as a fresh CI machine needs. */
import { execFileSync } from 'node:child_process';
import { SluiceError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Makes sure `command` is on the PATH, installing Debian package `debianPackage` when it is not. */
export function ensureCommand(command: string, debianPackage: string, log: Logger): void {
  if (hasCommand(command)) return;
  if (process.getuid?.() !== 0) {
    throw new SluiceError(
      'TOOL_MISSING',
      `${command} is not installed; run: sudo apt-get install -y ${debianPackage}`,
    );
  }
  log.info({ package: debianPackage }, `Installing ${debianPackage} with apt-get.`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
  execFileSync('apt-get', ['install', '-y', '-qq', debianPackage], { stdio: 'ignore', env });
  if (!hasCommand(command)) {
    throw new SluiceError(
      'TOOL_MISSING',
      `${command} is still missing after apt-get install ${debianPackage}`,
    );
  }
}

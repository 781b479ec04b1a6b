/**
 * Finding a JDK for the local Elasticsearch. The `release` file at the root of every JDK names its
 * version (`JAVA_VERSION="25.0.1"`); the newest one new enough wins.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../../lib/errors.ts';

export interface JavaHome {
  path: string;
  major: number;
}

/** The major version in a JDK's `release` file; undefined when the file has none. */
export function parseJavaRelease(text: string): number | undefined {
  const version = /^JAVA_VERSION="([^"]+)"/m.exec(text)?.[1];
  if (!version) return undefined;
  // Java 8 and older spell themselves "1.8.0_412".
  const [first, second] = version.split('.').map(Number);
  const major = first === 1 ? second : first;
  return Number.isInteger(major) ? major : undefined;
}

export function pickJavaHome(candidates: JavaHome[], minimumMajor: number): JavaHome | undefined {
  return candidates.filter((jdk) => jdk.major >= minimumMajor).sort((a, b) => b.major - a.major)[0];
}

/** The newest JDK under `jvmDir` (default /usr/lib/jvm), or ES_JAVA_HOME when set. */
export function findJavaHome(minimumMajor: number, jvmDir = '/usr/lib/jvm'): JavaHome {
  const explicit = process.env.ES_JAVA_HOME;
  const paths = explicit ? [explicit] : safeReaddir(jvmDir).map((name) => join(jvmDir, name));
  const candidates = paths.flatMap((path) => {
    const major = parseJavaRelease(safeRead(join(path, 'release')));
    return major === undefined ? [] : [{ path, major }];
  });
  const chosen = pickJavaHome(candidates, minimumMajor);
  if (!chosen) {
    const found = candidates.map((jdk) => `${jdk.path} (${jdk.major})`).join(', ') || 'none';
    throw new SluiceError(
      'JAVA_NOT_FOUND',
      `Elasticsearch needs Java ${minimumMajor} or newer; found ${found} under ${explicit ?? jvmDir}. ` +
        'Install one (e.g. apt-get install openjdk-21-jre-headless) or set ES_JAVA_HOME.',
    );
  }
  return chosen;
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

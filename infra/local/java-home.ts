/**
 * Finding a JDK for the local Elasticsearch. The `release` file at the root of every JDK names its
 * version (`JAVA_VERSION="25.0.1"`); the newest one new enough wins. A runtime without `javac`
 * does not do: the dev shims plugin is compiled on the first start (dev-shims-plugin.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../../lib/errors.ts';

export interface JavaHome {
  path: string;
  major: number;
  /** False for a runtime (JRE) without the compiler; such a Java is never picked. */
  javac?: boolean;
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
  return candidates
    .filter((jdk) => jdk.major >= minimumMajor && jdk.javac !== false)
    .sort((a, b) => b.major - a.major)[0];
}

/** The newest JDK under `jvmDir` (default /usr/lib/jvm), or ES_JAVA_HOME when set. */
export function findJavaHome(minimumMajor: number, jvmDir = '/usr/lib/jvm'): JavaHome {
  const explicit = process.env.ES_JAVA_HOME;
  const paths = explicit ? [explicit] : safeReaddir(jvmDir).map((name) => join(jvmDir, name));
  const candidates = paths.flatMap((path) => {
    const major = parseJavaRelease(safeRead(join(path, 'release')));
    return major === undefined ? [] : [{ path, major, javac: existsSync(join(path, 'bin', 'javac')) }];
  });
  const chosen = pickJavaHome(candidates, minimumMajor);
  if (!chosen) {
    const found =
      candidates
        .map((jdk) => `${jdk.path} (${jdk.major}${jdk.javac ? '' : ', a runtime without javac'})`)
        .join(', ') || 'none';
    // Debian 12 packages Java 17 only, so the way named is one that exists there.
    throw new SluiceError(
      'JAVA_NOT_FOUND',
      `The local Elasticsearch needs a JDK ${minimumMajor} or newer; found ${found} under ${explicit ?? jvmDir}. ` +
        `Install one (on Debian 12: temurin-${minimumMajor}-jdk from Adoptium's apt repository, see the README's ` +
        '"Java for the local Elasticsearch"), set ES_JAVA_HOME to one, or run everything with `docker compose` instead (no Java needed).',
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

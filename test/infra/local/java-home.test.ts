import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findJavaHome, parseJavaRelease, pickJavaHome } from '../../../infra/local/java-home.ts';

describe('parseJavaRelease', () => {
  it('reads the major version of modern and of 1.x JDKs', () => {
    expect(parseJavaRelease('IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="25.0.3"\n')).toBe(25);
    expect(parseJavaRelease('JAVA_VERSION="17"')).toBe(17);
    expect(parseJavaRelease('JAVA_VERSION="1.8.0_412"')).toBe(8);
  });

  it('does not mistake JAVA_RUNTIME_VERSION for JAVA_VERSION', () => {
    expect(parseJavaRelease('JAVA_RUNTIME_VERSION="25.0.3+9-LTS"')).toBeUndefined();
  });
});

describe('pickJavaHome', () => {
  it('takes the newest JDK that is new enough', () => {
    const jdks = [
      { path: '/jvm/17', major: 17 },
      { path: '/jvm/25', major: 25 },
      { path: '/jvm/21', major: 21 },
    ];
    expect(pickJavaHome(jdks, 21)?.path).toBe('/jvm/25');
    expect(pickJavaHome(jdks.slice(0, 1), 21)).toBeUndefined();
  });

  it('explains what it found when no JDK is new enough', () => {
    expect(() => findJavaHome(21, '/nonexistent-jvm-dir')).toThrow(/needs a JDK 21 or newer; found none/);
  });
});

describe('findJavaHome on a machine without a JDK 21 (issue 16)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  /** A folder of fake Java installs: `release` files, with `bin/javac` for a JDK. */
  function jvmDir(installs: Array<{ name: string; major: number; javac: boolean }>): string {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-jvm-'));
    dirs.push(dir);
    for (const { name, major, javac } of installs) {
      mkdirSync(join(dir, name, 'bin'), { recursive: true });
      writeFileSync(join(dir, name, 'release'), `JAVA_VERSION="${major}.0.1"\n`);
      if (javac) writeFileSync(join(dir, name, 'bin', 'javac'), '');
    }
    return dir;
  }

  it('names a way that exists on Debian 12 (Temurin), ES_JAVA_HOME and Docker Compose, not openjdk-21', () => {
    const dir = jvmDir([{ name: 'java-17-openjdk-amd64', major: 17, javac: true }]);
    const failure = (() => {
      try {
        findJavaHome(21, dir);
      } catch (error) {
        return error as Error;
      }
    })();
    expect(failure?.message).toMatch(/found .*java-17-openjdk-amd64 \(17\)/);
    expect(failure?.message).toMatch(/temurin-21-jdk/);
    expect(failure?.message).toMatch(/ES_JAVA_HOME/);
    expect(failure?.message).toMatch(/docker compose/i);
    expect(failure?.message).not.toMatch(/openjdk-21/);
    expect(failure?.message.split('\n')).toHaveLength(1);
  });

  it('passes over a Java runtime without javac: the dev shims plugin is compiled on first start', () => {
    const dir = jvmDir([
      { name: 'jre-25', major: 25, javac: false },
      { name: 'jdk-21', major: 21, javac: true },
    ]);
    expect(findJavaHome(21, dir).path).toBe(join(dir, 'jdk-21'));
    const onlyJre = jvmDir([{ name: 'jre-25', major: 25, javac: false }]);
    expect(() => findJavaHome(21, onlyJre)).toThrow(/jre-25 \(25, a runtime without javac\)/);
  });
});

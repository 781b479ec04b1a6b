import { describe, expect, it } from 'vitest';
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
    expect(() => findJavaHome(21, '/nonexistent-jvm-dir')).toThrow(/needs Java 21 or newer; found none/);
  });
});

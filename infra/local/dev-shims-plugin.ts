/**
 * Builds the small Elasticsearch plugin in ./elasticsearch-plugin (the `english` analyzer, a few
 * token filters and `GET /`, which the integ-test-zip lacks; see infra/README.md) against the
 * jars of the node it goes into, with the JDK that runs that node. Built once per install.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SluiceError } from '../../lib/errors.ts';
import { MINIMUM_JAVA_MAJOR } from './elasticsearch-distribution.ts';

export const DEV_SHIMS_PLUGIN = 'sluice-dev-shims';

const SOURCE_DIR = fileURLToPath(new URL('./elasticsearch-plugin/src', import.meta.url));

export function pluginDescriptor(elasticsearchVersion: string): string {
  return [
    'description=Stand-ins for the analysis-common and rest-root modules missing from the integ-test-zip',
    `version=${elasticsearchVersion}`,
    `name=${DEV_SHIMS_PLUGIN}`,
    'classname=sluice.devshims.DevShimsPlugin',
    `java.version=${MINIMUM_JAVA_MAJOR}`,
    `elasticsearch.version=${elasticsearchVersion}`,
    '',
  ].join('\n');
}

export function pluginInstalled(home: string): boolean {
  return existsSync(join(home, 'plugins', DEV_SHIMS_PLUGIN, 'plugin-descriptor.properties'));
}

/** Compiles the plugin into `<home>/plugins/sluice-dev-shims`. */
export function installDevShimsPlugin(home: string, version: string, javaHome: string): void {
  const work = mkdtempSync(join(tmpdir(), 'sluice-es-plugin-'));
  try {
    const classes = join(work, 'classes');
    const sources = javaSources(SOURCE_DIR);
    const target = join(home, 'plugins', DEV_SHIMS_PLUGIN);
    run(join(javaHome, 'bin', 'javac'), [
      '--release',
      String(MINIMUM_JAVA_MAJOR),
      '-nowarn',
      '-cp',
      `${home}/lib/*`,
      '-d',
      classes,
      ...sources,
    ]);
    mkdirSync(target, { recursive: true });
    run(join(javaHome, 'bin', 'jar'), ['cf', join(target, `${DEV_SHIMS_PLUGIN}.jar`), '-C', classes, '.']);
    // The descriptor goes last: its presence is what marks the plugin as installed.
    writeFileSync(join(target, 'plugin-descriptor.properties'), pluginDescriptor(version));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function javaSources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => path.endsWith('.java') && statSync(path).isFile());
}

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    throw new SluiceError(
      'PLUGIN_BUILD_FAILED',
      `Building the ${DEV_SHIMS_PLUGIN} plugin failed (${relative(process.cwd(), command)}): ${stderr}`,
      { cause: error },
    );
  }
}

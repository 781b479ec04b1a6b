/**
 * Which Elasticsearch the local node runs and where its files live. Pure: no I/O.
 *
 * The distribution is Elastic's `integ-test-zip` from Maven Central: a real server without the
 * optional modules (see infra/README.md). Maven Central's `maven-metadata.xml` for it stops at
 * 8.19.x although 9.x zips are published, so the version is pinned to the newest 9.x found there,
 * with its SHA-512 recorded here because no checksum file is served beside the 9.x zips.
 */
import { join } from 'node:path';

export const ELASTICSEARCH_VERSION = '9.5.0';

/** The oldest JDK major version the pinned Elasticsearch runs on (its plugins are built for 21). */
export const MINIMUM_JAVA_MAJOR = 21;

const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2';
const ARTIFACT_PATH = 'org/elasticsearch/distribution/integ-test-zip/elasticsearch';

/** SHA-512 of each known zip, recorded from a verified download. */
const KNOWN_SHA512: Readonly<Record<string, string>> = {
  '9.5.0':
    'c06bd4ef7691da91052cada7bb255b2d7c48a1422820a8db0e3e3a1ed0dde4e8d380cdbadeb7029cc56167b9ad3a6d89f6b8edbc48d4b8685d1ab24a7ab17dd5',
};

export function distributionUrl(version: string, repository = MAVEN_CENTRAL): string {
  return `${repository}/${ARTIFACT_PATH}/${version}/elasticsearch-${version}.zip`;
}

export type ChecksumAlgorithm = 'sha512' | 'sha1';

/** Checksum files Maven Central may serve beside the zip, strongest first. */
export function checksumUrls(version: string): Array<{ algorithm: ChecksumAlgorithm; url: string }> {
  const zip = distributionUrl(version);
  return [
    { algorithm: 'sha512', url: `${zip}.sha512` },
    { algorithm: 'sha1', url: `${zip}.sha1` },
  ];
}

export function knownSha512(version: string): string | undefined {
  return KNOWN_SHA512[version];
}

const HEX_LENGTH: Record<ChecksumAlgorithm, number> = { sha512: 128, sha1: 40 };

/**
 * The digest in a Maven checksum file: either the bare hex digest or `<hex>  <file name>`.
 * Returns undefined when the text is not a digest of that algorithm (an HTML error page, say).
 */
export function parseChecksumFile(text: string, algorithm: ChecksumAlgorithm): string | undefined {
  const digest = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  return new RegExp(`^[0-9a-f]{${HEX_LENGTH[algorithm]}}$`).test(digest) ? digest : undefined;
}

export interface ElasticsearchLayout {
  /** The downloaded zip, kept so a wiped install re-extracts without the network. */
  zip: string;
  /** ES_HOME: the extracted distribution (bin/, lib/, config/, plugins/). */
  home: string;
  /** path.data: kept across versions and restarts. */
  data: string;
  /** path.logs: `<cluster>.log` and the launcher's output. */
  logs: string;
  /** Written by Elasticsearch itself (`-p`), read by `infra down`. */
  pidFile: string;
  /** Output of `bin/elasticsearch -d` before the node's own logging starts. */
  startupLog: string;
}

export function elasticsearchLayout(cacheDir: string, version: string): ElasticsearchLayout {
  const root = join(cacheDir, 'elasticsearch');
  return {
    zip: join(cacheDir, 'downloads', `elasticsearch-${version}.zip`),
    home: join(root, version, `elasticsearch-${version}`),
    data: join(root, 'data'),
    logs: join(root, 'logs'),
    pidFile: join(root, 'elasticsearch.pid'),
    startupLog: join(root, 'logs', 'startup.log'),
  };
}

/**
 * The same distribution with a node's own data, logs and pid file under `dir`: each node of a
 * cluster on one machine needs its own (a data folder is locked by the node using it).
 */
export function nodeFilesIn(layout: ElasticsearchLayout, dir: string): ElasticsearchLayout {
  return {
    zip: layout.zip,
    home: layout.home,
    data: join(dir, 'data'),
    logs: join(dir, 'logs'),
    pidFile: join(dir, 'elasticsearch.pid'),
    startupLog: join(dir, 'logs', 'startup.log'),
  };
}

import path from 'node:path';
import { REPO_ROOT } from '../../services/shared/repo-root';

export interface InfraOptions {
  dataDir: string;
  pgPort: number;
  redisPort: number;
  temporalPort: number;
  /** null: run the Temporal dev server headless (no Web UI). */
  temporalUiPort: number | null;
  /** The Kubernetes API server (HTTPS) and its etcd (client port; the peer port is the next one): started only on demand (kube.ts). */
  kubeApiPort: number;
  etcdPort: number;
  /**
   * Test mode: PostgreSQL without fsync/synchronous_commit/full_page_writes,
   * Redis without persistence, Temporal in memory (no SQLite file), etcd
   * without fsync and emptied at every start.
   * Never use for data you want to keep.
   */
  fast?: boolean;
  /**
   * Which Temporal server: the CLI's dev server as it sets itself up (`dev`),
   * the same without its demo settings (`dev-tuned`), or the real server on
   * PostgreSQL (`server`). Default: TEMPORAL_SERVER, else `dev-tuned`.
   */
  temporal?: TemporalFlavor;
  /** Progress lines; defaults to console.log with an `[infra]` prefix. */
  log?: (line: string) => void;
}

export const TEMPORAL_FLAVORS = ['dev', 'dev-tuned', 'server'] as const;
export type TemporalFlavor = (typeof TEMPORAL_FLAVORS)[number];

function temporalFlavor(): TemporalFlavor {
  const v = process.env.TEMPORAL_SERVER ?? 'dev-tuned';
  if (!(TEMPORAL_FLAVORS as readonly string[]).includes(v)) throw new Error(`TEMPORAL_SERVER must be one of ${TEMPORAL_FLAVORS.join(', ')}, not ${v}`);
  return v as TemporalFlavor;
}

/** Project-local tools installed by devstack/install-tools.sh. */
export const TOOLS = {
  temporal: path.join(REPO_ROOT, '.tools', 'bin', 'temporal'),
  testServer: path.join(REPO_ROOT, '.tools', 'bin', 'temporal-test-server'),
  // Built from pinned Go modules by devstack/go-tools/build.sh (npm test runs it).
  kubeApiserver: path.join(REPO_ROOT, '.tools', 'bin', 'kube-apiserver'),
  etcd: path.join(REPO_ROOT, '.tools', 'bin', 'etcd'),
  kubectl: path.join(REPO_ROOT, '.tools', 'bin', 'kubectl'),
} as const;

/**
 * DEV_PORT_OFFSET (e.g. 100) moves every port of `npm run up` (servers and
 * services) and its data folder, so a second checkout can run its own stack
 * beside the first. Unset, the stack is on the ports the README lists.
 */
export const DEV_PORT_OFFSET = Number(process.env.DEV_PORT_OFFSET ?? 0);

/**
 * The servers of a local stack whose ports are moved by `offset`, with its
 * data in `dataDir` (default .data/dev, or .data/dev-<offset>).
 * Every port sits below the kernel's ephemeral range (32768-60999 here): a
 * port inside it can be taken by any outgoing connection, and the server
 * then fails to bind.
 */
export function devInfraOptions(offset: number, dataDir?: string): InfraOptions {
  return {
    dataDir: dataDir ? path.resolve(dataDir) : path.join(REPO_ROOT, '.data', offset ? `dev-${offset}` : 'dev'),
    pgPort: 15432 + offset,
    redisPort: 16379 + offset,
    temporalPort: 7233 + offset,
    temporalUiPort: 8233 + offset,
    temporal: temporalFlavor(),
    kubeApiPort: 16443 + offset,
    etcdPort: 12379 + offset,
  };
}

/** `npm run up`'s; DEV_DATA_DIR gives it a data folder of its own (a test or benchmark that runs a whole supervised stack). */
export const DEV_INFRA_OPTIONS: InfraOptions = devInfraOptions(DEV_PORT_OFFSET, process.env.DEV_DATA_DIR);

/**
 * Test ports differ from the dev ones, so `npm test` can run while `npm run up` does.
 * TEST_PORT_OFFSET (e.g. 100) moves them, so test runs of two checkouts on one machine do not meet.
 */
const TEST_PORT_OFFSET = Number(process.env.TEST_PORT_OFFSET ?? 0);
export const TEST_INFRA_OPTIONS: InfraOptions = {
  dataDir: path.join(REPO_ROOT, '.data', 'test'),
  pgPort: 15433 + TEST_PORT_OFFSET,
  redisPort: 16380 + TEST_PORT_OFFSET,
  temporalPort: 17233 + TEST_PORT_OFFSET,
  temporalUiPort: null,
  kubeApiPort: 16444 + TEST_PORT_OFFSET,
  etcdPort: 12381 + TEST_PORT_OFFSET,
  fast: true,
  temporal: temporalFlavor(),
};

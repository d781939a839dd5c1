/**
 * The Helm chart as `npm run synth:helm` makes it (the cdk8s CLI's helm
 * format, then values.yaml), in a temporary folder, and `helm template` of it
 * (helm from devstack/install-tools.sh).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { completeHelmChart, HELM_CHART_NAME } from '../../cdk8s/helm-chart';
import type { Obj } from './manifests';

const ROOT = path.resolve(__dirname, '../..');
export const HELM = path.join(ROOT, '.tools', 'bin', 'helm');
const CDK8S = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');

export interface HelmChart {
  dir: string;
  /** `helm template ticketing <chart> --namespace ticketing <args>`, parsed. */
  template(...args: string[]): Obj[];
  remove(): void;
}

export function synthHelmChart(): HelmChart {
  if (!fs.existsSync(HELM)) throw new Error(`${HELM} is missing: devstack/install-tools.sh installs it (npm test runs it)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ticketing-helm-'));
  const dir = path.join(tmp, HELM_CHART_NAME);
  // The real CLI path of `npm run synth:helm` (it runs dist/cdk8s/main.js, built before the tests).
  execFileSync(process.execPath, [CDK8S, 'synth', '--format', 'helm', '--chart-version', '0.1.0', '--output', dir], {
    cwd: ROOT,
    env: { ...process.env, TICKETING_HELM: '1' },
    stdio: 'pipe',
  });
  completeHelmChart(dir);
  return {
    dir,
    template(...args) {
      const out = execFileSync(HELM, ['template', 'ticketing', dir, '--namespace', 'ticketing', ...args], { encoding: 'utf8' });
      return YAML.parseAllDocuments(out)
        .map((d) => d.toJSON() as Obj | null)
        .filter((o): o is Obj => Boolean(o));
    },
    remove: () => fs.rmSync(tmp, { recursive: true, force: true }),
  };
}

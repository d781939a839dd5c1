/**
 * The cdk8s app entry (`cdk8s synth` runs it; see cdk8s.yaml):
 * - plain: one folder of manifests per environment, `<outdir>/kind` and `<outdir>/production`;
 * - TICKETING_HELM=1 (npm run synth:helm): the production environment with
 *   Helm value placeholders, written straight into the chart's templates folder.
 */
import path from 'node:path';
import { ENVIRONMENTS } from '../charts/environment';
import { buildApp, helmEnvironment } from './app';

const outdir = process.env.CDK8S_OUTDIR ?? path.join('dist', 'manifests');

if (process.env.TICKETING_HELM === '1') {
  buildApp(helmEnvironment(), outdir).synth();
} else {
  for (const env of Object.values(ENVIRONMENTS)) buildApp(env, path.join(outdir, env.name)).synth();
}

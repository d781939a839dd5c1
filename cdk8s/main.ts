import { App } from 'cdk8s';

// The cdk8s app entry: composes the Chart classes of charts/ per environment.
// No chart exists yet (see charts/README.md), so synth writes nothing.
const app = new App({ outdir: 'cdk8s.out' });
app.synth();

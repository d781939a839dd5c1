import { gzipSync } from 'node:zlib';
import type { Plugin, Rollup } from 'vite';

type OutputBundle = Rollup.OutputBundle;
type OutputChunk = Rollup.OutputChunk;

/**
 * Prints the gzipped size of the JavaScript the first page loads (the entry
 * chunk and every chunk it imports statically; lazy chunks such as the QR
 * decoder are listed apart) and fails the build above the limit: the issue
 * asks for at most 150 KB, and a build that quietly grows past it should not
 * ship.
 */
export function firstPageSize(o: { limitBytes: number }): Plugin {
  return {
    name: 'first-page-size',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
      const first = firstPageChunks(bundle);
      const size = (c: OutputChunk) => gzipSync(c.code).length;
      const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
      const total = [...first].reduce((n, name) => n + size(bundle[name] as OutputChunk), 0);
      const lines = chunks.map((c) => `  ${first.has(c.fileName) ? 'first page' : 'lazy      '}  ${kb(size(c)).padStart(9)} gzip  ${c.fileName}`);
      console.log(`\nJavaScript, gzipped:\n${lines.join('\n')}\n  first page total: ${kb(total)} gzipped (limit ${kb(o.limitBytes)})`);
      if (total > o.limitBytes) this.error(`the first page's JavaScript is ${kb(total)} gzipped, over the ${kb(o.limitBytes)} limit`);
    },
  };
}

/** File names of the entry chunks and everything they import statically. */
export function firstPageChunks(bundle: OutputBundle): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    const c = bundle[name];
    if (!c || c.type !== 'chunk' || seen.has(name)) return;
    seen.add(name);
    c.imports.forEach(visit);
  };
  for (const c of Object.values(bundle)) if (c.type === 'chunk' && c.isEntry) visit(c.fileName);
  return seen;
}

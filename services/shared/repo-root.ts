import fs from 'node:fs';
import path from 'node:path';

/** The repository root, found from source (jest) and from dist/ (compiled) alike. */
function findRepoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'services'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the repository root above ${__dirname}`);
    dir = parent;
  }
}

export const REPO_ROOT = findRepoRoot();

// vitest's global setup: the CLI's tests run the real binary, so dist/cli is built from the
// sources under test first (esbuild, well under a second).
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { stdio: 'inherit' });
}

/** Paths the CDK app reads from the repository (entry files and the built dashboard). */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const lambdaEntry = (name: 'api' | 'ingest' | 'worker') => join(repoRoot, 'functions', 'src', 'lambda', `${name}.ts`);
export const lockFile = join(repoRoot, 'package-lock.json');
export const webDist = join(repoRoot, 'web', 'dist');

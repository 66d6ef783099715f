/**
 * Vitest global setup: with SEXTANT_TEST_BACKEND=dynamodb-local, start AWS's DynamoDB Local
 * (Java, in memory) once for the run and point the integration tests at it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const freePort = () =>
  new Promise<number>((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });

let child: ChildProcess | undefined;

export async function setup(project: { provide: (key: 'dynamodbEndpoint', value: string) => void }) {
  if (process.env.SEXTANT_TEST_BACKEND !== 'dynamodb-local') return;
  const dir = resolve('.tools/dynamodb-local');
  if (!existsSync(resolve(dir, 'DynamoDBLocal.jar'))) throw new Error('DynamoDB Local is missing: run scripts/dynamodb-local.sh');
  const port = await freePort();
  child = spawn('java', [`-Djava.library.path=${dir}/DynamoDBLocal_lib`, '-jar', `${dir}/DynamoDBLocal.jar`, '-inMemory', '-port', String(port), '-disableTelemetry'], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    try {
      await fetch(endpoint, { method: 'POST' });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  project.provide('dynamodbEndpoint', endpoint);
}

export async function teardown() {
  child?.kill('SIGTERM');
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

/**
 * The job secret of a job started by `srun` without charmrun. Its tasks must agree on a secret
 * without talking first, and nothing Slurm puts in their environment is secret (job ids are
 * public). So: a secret already in the environment wins (charmrun sets one when it delegates to
 * srun, or a batch script can export one); otherwise it is derived from a per-user key file,
 * `~/.charm4ts/key` (mode 0600, on the home directory that cluster nodes share), created on first
 * use, as HMAC-SHA256(key, "slurm:" + job id + "." + step id): a fresh secret per job step that
 * only the user's own processes can compute.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { BadStateError } from '../errors.js';

/** Default location of the per-user key. */
export function defaultKeyFile(): string {
  return join(homedir(), '.charm4ts', 'key');
}

/** Reads the key file, creating it (exclusively, mode 0600) when missing. Throws BadStateError when it is unusable. */
export function readOrCreateKey(path: string): string {
  try {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new BadStateError(`cannot create the charm4ts key file ${path}: ${(error as Error).message}`);
  }
  const mode = statSync(path).mode & 0o077;
  if (mode !== 0) throw new BadStateError(`the charm4ts key file ${path} may be read by others (mode ${(statSync(path).mode & 0o777).toString(8)}); chmod 600 it`);
  // Another task may have created the file an instant ago and not written it yet.
  let key = readFileSync(path, 'utf8').trim();
  for (let tries = 0; key === '' && tries < 50; tries++) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 40);
    key = readFileSync(path, 'utf8').trim();
  }
  if (!/^[0-9a-f]{64}$/.test(key)) throw new BadStateError(`the charm4ts key file ${path} does not hold 64 hex digits`);
  return key;
}

/** The secret of Slurm job step `jobId`.`stepId` under `key`. */
export function slurmSecret(key: string, jobId: string, stepId: string): string {
  return createHmac('sha256', key).update(`slurm:${jobId}.${stepId}`).digest('hex');
}

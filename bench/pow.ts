/**
 * npm run bench:pow — what Parley's proof of work costs, per difficulty level:
 * the solve time of the browser's solver (the SDK's WebCrypto code, time-sliced
 * as in the widget) and of a native solver (node:crypto PBKDF2, what a spammer
 * would run), the CPU an attacker spends per 1,000 posts, and what the server
 * spends per challenge and per verification. No server or store is started.
 * Options: --samples 6 (solves per level; levels 3–4 use half, at least 2).
 */
import { execSync } from 'node:child_process';
import { createChallenge, randomInt, solveChallenge, verifySolution } from 'altcha-lib';
import { deriveKey as nodeDerive } from 'altcha-lib/algorithms/pbkdf2';
import { solvePow } from '@parley/sdk/pow';
import { POW_ALGORITHM, POW_ITERATIONS } from '../server/src/modules/trust/pow.service';
import { POW_LEVELS } from '../server/src/modules/trust/pow-levels';
import { args, Report, saveReport } from './lib/cli';
import { machineInfo } from './lib/procs';

const SECRET = 'bench-signature-secret-0123456789abcdef';
const KEY_SECRET = 'bench-key-signature-secret-0123456789ab';

async function challengeAt(level: number) {
  const { min, max } = POW_LEVELS[level]!;
  return createChallenge({
    algorithm: POW_ALGORITHM,
    cost: POW_ITERATIONS,
    counter: randomInt(max, min),
    deriveKey: nodeDerive,
    hmacSignatureSecret: SECRET,
    hmacKeySignatureSecret: KEY_SECRET,
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  });
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

async function main(): Promise<void> {
  const opt = args();
  const samples = Number(opt.get('samples') ?? 6);
  const report = new Report();
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  report.out(`# bench:pow — ${new Date().toISOString()} — commit ${commit}`);
  report.out(`machine: ${machineInfo()}`);
  report.out(`${POW_ALGORITHM}, ${POW_ITERATIONS} iterations per attempt; ${samples} solves per level (levels 3–4: half)\n`);
  report.out(
    '| level | counter range | attempts (mean) | WebCrypto solve median / mean | native solve median / mean | attacker CPU per 1,000 posts |',
  );
  report.out('|---|---|---|---|---|---|');
  for (let level = 0; level < POW_LEVELS.length; level++) {
    const n = level >= 3 ? Math.max(2, Math.floor(samples / 2)) : samples;
    const web: number[] = [];
    const native: number[] = [];
    const nativeCpu: number[] = [];
    const attempts: number[] = [];
    for (let i = 0; i < n; i++) {
      const ch = await challengeAt(level);
      let t = performance.now();
      const proof = await solvePow({
        challenge: { parameters: ch.parameters, signature: ch.signature! },
        level,
        expectedAttempts: 0,
      });
      web.push(performance.now() - t);
      if (!proof) throw new Error('the WebCrypto solver gave up');
      const ch2 = await challengeAt(level);
      const cpu = process.cpuUsage();
      t = performance.now();
      const sol = await solveChallenge({ challenge: ch2, deriveKey: nodeDerive });
      native.push(performance.now() - t);
      nativeCpu.push(cpuMs(cpu));
      attempts.push(sol!.counter + 1);
    }
    const { min, max } = POW_LEVELS[level]!;
    report.out(
      `| ${level} | ${min}–${max} | ${Math.round(mean(attempts))} | ${fmt(median(web))} / ${fmt(mean(web))} | ${fmt(median(native))} / ${fmt(mean(native))} | ${mean(nativeCpu).toFixed(0)} CPU-s |`,
    );
  }
  // The server's side: one derivation to make a challenge, one HMAC to check a solution.
  const ch = await challengeAt(0);
  const sol = (await solveChallenge({ challenge: ch, deriveKey: nodeDerive }))!;
  let cpu = process.cpuUsage();
  for (let i = 0; i < 200; i++) await challengeAt(0);
  const perChallenge = cpuMs(cpu) / 200;
  cpu = process.cpuUsage();
  for (let i = 0; i < 2000; i++)
    await verifySolution({
      challenge: ch,
      solution: sol,
      deriveKey: nodeDerive,
      hmacSignatureSecret: SECRET,
      hmacKeySignatureSecret: KEY_SECRET,
    });
  const perVerify = cpuMs(cpu) / 2000;
  report.out(`\nserver CPU: ${perChallenge.toFixed(2)} ms per challenge, ${perVerify.toFixed(3)} ms per verification`);
  report.out(`(attacker CPU per 1,000 posts = mean native CPU ms per solve × 1,000 / 1,000, in CPU-seconds)`);
  process.stdout.write(`report: ${saveReport('pow', report.text())}\n`);
}

void main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);

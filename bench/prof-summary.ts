/**
 * npx tsx bench/prof-summary.ts FILE.cpuprofile [N] — where a server's time
 * went, from a CPU profile written by `--prof` (node --cpu-prof): self time by
 * package (or file of this repository), self time by function, and inclusive
 * time by function, each as a share of the profile's wall time (idle
 * included, so shares of two profiles of the same run compare directly).
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** A source URL shortened to its package (`socket.io-adapter`) or repository path. */
function where(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) {
    const parts = path.slice(inModules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const repo = path.indexOf('/server/') >= 0 ? path.slice(path.indexOf('/server/') + 1) : path;
  return repo.split('/').slice(0, 3).join('/');
}

function frameName(node: ProfileNode): string {
  const f = node.callFrame;
  const file = f.url ? f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(server|bench)\//, '$1/') : '';
  return `${f.functionName || '(anonymous)'} ${file}${f.url ? `:${f.lineNumber + 1}` : ''}`;
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function top(map: Map<string, number>, total: number, n: number): string {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n');
}

function main(): void {
  const [file, count] = process.argv.slice(2);
  if (!file) throw new Error('usage: tsx bench/prof-summary.ts FILE.cpuprofile [N]');
  const n = Number(count ?? 30);
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const selfTime = new Map<number, number>();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const inclusive = new Map<string, number>();
  for (const [id, t] of selfTime) {
    const node = byId.get(id)!;
    add(byPackage, node.callFrame.url ? where(node.callFrame.url) : node.callFrame.functionName, t);
    add(byFunction, frameName(node), t);
    // Each function counts once per sample, however often it recurs on the stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = frameName(byId.get(cur)!);
      if (!seen.has(name)) add(inclusive, name, t);
      seen.add(name);
    }
  }
  const total = profile.endTime - profile.startTime;
  process.stdout.write(
    `${file}: ${(total / 1e6).toFixed(1)} s\n\n## self time by package\n${top(byPackage, total, n)}\n\n` +
      `## self time by function\n${top(byFunction, total, n)}\n\n## inclusive time by function\n${top(inclusive, total, n * 2)}\n`,
  );
}

main();

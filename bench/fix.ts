// fix + undo in-process, against the floor: a plain read + JSON.parse + write of the same file
// (what any tool that rewrites the config must at least do, and which loses the comments).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyFix } from '../src/core/fix/apply';
import { planFix } from '../src/core/fix/plan';
import { undoFix } from '../src/core/fix/undo';
import { createCa } from '../test/fixtures/pki';
import { medianTime } from './stats';
import type { BenchRow } from './types';

const TYPICAL = `{
  // Workspace MCP servers
  "servers": {
    "docs": {
      "type": "stdio",
      "command": "uvx",
      "args": ["mcpdoc", "--urls", "https://docs.example.test/llms.txt"]
    },
    "github": {
      "command": "npx",
      "args": ["-y", "@modelcontextprotocol/server-github"],
      "env": { "GITHUB_TOKEN": "\${input:token}" }
    }
  }
}
`;

function bigConfig(bytes: number): string {
  const servers: string[] = [];
  const filler = 'x'.repeat(400);
  let size = 0;
  for (let i = 0; size < bytes; i += 1) {
    const entry = `\n    "s${i}": { "command": "npx", "args": ["-y", "pkg-${i}"], "env": { "NOTE": "${filler}" } }`;
    servers.push(entry);
    size += entry.length + 1;
  }
  return `{\n  "mcpServers": {${servers.join(',')}\n  }\n}\n`;
}


export async function bench(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-fix-'));
  try {
    const ca = await createCa('Bench Corporate Root');
    const publicRoot = await createCa('Bench Public Root');
    const home = path.join(dir, 'home');
    const rows: BenchRow[] = [];
    // Goals: a typical fix also spawns `git ls-files` (~6 ms) and checks the CA's X.509 extensions
    // (~9 ms), which the floor does not; on a 10 MB file the JSONC tree (3 parses) dominates.
    const cases: { what: string; text: string; runs: number; servers?: string[]; goal: string }[] = [
      { what: 'fix + undo, typical mcp.json (2 servers)', text: TYPICAL, runs: 50, goal: '<= 40' },
      { what: 'fix + undo, 10 MB config (1 of ~23k servers)', text: bigConfig(10 * 1024 * 1024), runs: 5, servers: ['s100'], goal: '<= 6' },
    ];
    for (const c of cases) {
      const file = path.join(dir, `${rows.length}.json`);
      writeFileSync(file, c.text);
      const ours = await medianTime(c.runs, async () => {
        await applyFix(await planFix({ configPath: file, caPems: [ca.pem], publicPem: publicRoot.pem, home, servers: c.servers }));
        await undoFix({ configPath: file, home });
      });
      if (readFileSync(file, 'utf8') !== c.text) throw new Error('bench: undo did not restore the file');
      // The floor: read, JSON.parse (comments stripped first, as a plain tool would have to), write twice (fix, undo).
      const floor = await medianTime(c.runs, () => {
        for (let i = 0; i < 2; i += 1) {
          const data = JSON.parse(readFileSync(file, 'utf8').replace(/^\s*\/\/.*$/gm, '')) as Record<string, unknown>;
          writeFileSync(`${file}.floor`, JSON.stringify(data, null, 2));
        }
      });
      rows.push({ area: 'fix', what: c.what, ours, baseline: floor, unit: 'ms', baselineName: 'read+JSON.parse+write ×2', goal: c.goal });
    }
    // Real-world share: the bundle with Node's ~140 public roots, built and written once.
    const file = path.join(dir, 'roots.json');
    writeFileSync(file, TYPICAL);
    const withRoots = await medianTime(20, async () => {
      await applyFix(await planFix({ configPath: file, caPems: [ca.pem], home }));
      await undoFix({ configPath: file, home });
    });
    const small = rows[0];
    if (small) {
      rows.push({ area: 'fix', what: 'fix + undo, typical, Node public roots in the bundle', ours: withRoots, baseline: small.baseline, unit: 'ms', baselineName: small.baselineName, goal: '<= 80' });
    }
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

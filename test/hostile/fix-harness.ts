// Shared set-up of the hostile fix tests: a home, a test CA, config files in fresh folders.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildBundle, readCertificates } from '../../src/core/fix/bundle';
import type { FixOptions } from '../../src/core/fix/plan';
import { tempDir, testCas } from '../fixtures/configs/harness';

export interface FixEnv {
  dir: string;
  home: string;
  ca: string;
  publicPem: string;
  bundleDir: string;
  bundleName: string;
  options: (configPath: string, extra?: Partial<FixOptions>) => FixOptions;
  configFile: (content: string, name?: string) => string;
}

export async function fixEnv(): Promise<FixEnv> {
  const dir = tempDir('mcp-hostile-');
  const home = path.join(dir, 'home');
  mkdirSync(home);
  const cas = await testCas();
  const ca = cas.corporate.pem;
  const publicPem = cas.publicRoot.pem;
  const bundleDir = path.join(home, '.mcp-ssl-doctor');
  let n = 0;
  return {
    dir,
    home,
    ca,
    publicPem,
    bundleDir,
    bundleName: buildBundle(readCertificates(ca, 'ca'), 'combined', publicPem).fileName,
    options: (configPath, extra = {}) => ({ configPath, caPems: [ca], home, publicPem, bundleDir, ...extra }),
    configFile: (content, name = 'mcp.json') => {
      n += 1;
      const folder = path.join(dir, `ws${n}`);
      mkdirSync(folder, { recursive: true });
      const file = path.join(folder, name);
      writeFileSync(file, content);
      return file;
    },
  };
}

export const PYTHON_CONFIG = `{
  "servers": {
    "docs": { "command": "uvx", "args": ["mcp-server-fetch"] }
  }
}
`;

export const NOBODY = 65534;

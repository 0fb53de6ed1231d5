// The in-process analyser (the CLI's); the editor provides one over its worker thread instead.
import type { Analyzer, AnalyzerOptions } from './types';

export function inProcessAnalyzer(options: AnalyzerOptions): Analyzer {
  return {
    analyze: async (target, signal) => (await import('../chain/index')).analyzeHost({ ...options, ...target, signal }),
    verify: async (target, caPem, signal) => {
      const { systemCaFile: _system, publicCaFile: _public, ...probe } = options;
      return (await import('../chain/index')).verifyTrust({ ...probe, ...target, caPem, signal });
    },
  };
}

import * as vscode from 'vscode';
import type { Logger } from '../core/types';

/** The extension's one logger: a LogOutputChannel, handed to the core as a plain Logger. */
export function createLogger(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('MCP SSL Doctor', { log: true });
  const logger: Logger = {
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message) => channel.error(message),
    debug: (message) => channel.debug(message),
  };
  return { channel, logger };
}

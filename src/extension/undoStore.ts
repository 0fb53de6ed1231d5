import type * as vscode from 'vscode';

export interface FixRecord {
  configPath: string;
  servers: string[];
  bundle: string;
  at: number;
}

const KEY = 'mcpSslDoctor.fixes';
const KEEP = 20;

/** Which configs our fixes touched, newest first; the core's manifest says what each added. */
export class UndoStore {
  constructor(private readonly state: vscode.Memento) {}

  list(): FixRecord[] {
    return this.state.get<FixRecord[]>(KEY, []);
  }

  async add(record: FixRecord): Promise<void> {
    await this.state.update(KEY, [record, ...this.list()].slice(0, KEEP));
  }

  async remove(record: FixRecord): Promise<void> {
    await this.state.update(
      KEY,
      this.list().filter((entry) => !(entry.configPath === record.configPath && entry.at === record.at)),
    );
  }
}

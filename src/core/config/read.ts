// Reads a config as bytes and text, with clear errors for a directory, a missing file, a bad encoding.
import { DoctorError } from '../types';
import { readFileChecked } from '../files/atomic';

export async function atomicSafeRead(file: string): Promise<{ bytes: Buffer; text: string }> {
  const bytes = await readFileChecked(file);
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD') && !Buffer.from(text, 'utf8').equals(bytes)) {
    throw new DoctorError('malformed-config', 'not UTF-8 text; save it as UTF-8 and run again', { file, line: 1, column: 1 });
  }
  return { bytes, text };
}

/**
 * For tests that a dropped tensor's memory is freed: runs V8's garbage collector and lets the
 * event loop turn (FinalizationRegistry callbacks run there), three times.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 10));
  }
}

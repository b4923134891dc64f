/**
 * For tests of every package: the PyTorch reference cases. The project's own (`tests/oracle` and
 * each `tests/oracle/<area>/`, made by the generators in scripts/fixtures) always, and the shared
 * oracle (`../shared/oracle` beside the repository) when it is there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { loadSafetensors, type Tensor } from '@flint/tensor';

const PROJECT = new URL('./oracle/', import.meta.url);

/** Every folder with a `cases.json`, labelled `project`, `project/<area>` or `shared`. */
export const ORACLES: { label: string; dir: URL }[] = [
  { label: 'project', dir: PROJECT },
  ...readdirSync(PROJECT, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ label: `project/${e.name}`, dir: new URL(`${e.name}/`, PROJECT) })),
  { label: 'shared', dir: new URL('../../shared/oracle/', import.meta.url) },
].filter((o) => existsSync(new URL('cases.json', o.dir)));

export interface OracleCase {
  name: string;
  kind: string;
  file: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  config: Record<string, any>;
  atol: number;
  rtol: number;
  /** The folder it comes from. */
  dir: URL;
  /** Its folder's label (`project/tensor-ops`, `shared`). */
  label: string;
}

/** The cases of these kinds from every oracle folder, named `<folder>/<case>`. */
export function oracleCases(...kinds: string[]): OracleCase[] {
  return ORACLES.flatMap(({ label, dir }) => {
    const { cases } = JSON.parse(readFileSync(new URL('cases.json', dir), 'utf8')) as { cases: OracleCase[] };
    return cases.filter((c) => kinds.includes(c.kind)).map((c) => ({ ...c, name: `${label}/${c.name}`, dir, label }));
  });
}

/** The tensors of a case's safetensors file, by name. */
export function loadCase(c: OracleCase): Record<string, Tensor> {
  return loadSafetensors(new Uint8Array(readFileSync(new URL(c.file, c.dir))), c.file);
}

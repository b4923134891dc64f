/**
 * Brown tag normalisation. The corpus' tags carry affixes that say where a word stands rather
 * than what it is: `-tl` (in a title), `-hl` (in a headline), `-nc` (cited word), `fw-` (foreign
 * word), and `*` (negation, as in `do*` for "don't"). This tagger drops them:
 *
 * 1. the tag is lower-cased and split at `+` (contractions such as `ppss+md` stay compound);
 * 2. in each part, a leading `fw-` is removed, then trailing `-tl`, `-hl`, `-nc` (repeatedly:
 *    `nn-tl-hl` → `nn`);
 * 3. in each part every `*` is removed, except from the part `*` itself (the tag of "not");
 * 4. the parts are joined again with `+`.
 *
 * So `np-tl` → `np`, `fw-in+at-tl` → `in+at`, `do*` → `do`, `*` → `*`. On the whole corpus this
 * leaves 176 tags (from 472). `train_torch.py` reads the tags already normalised by this code.
 */
const SUFFIX = /-(?:tl|hl|nc)$/;

export function normalizeTag(tag: string): string {
  return tag
    .toLowerCase()
    .split('+')
    .map((part) => {
      let p = part.startsWith('fw-') ? part.slice(3) : part;
      while (SUFFIX.test(p)) p = p.replace(SUFFIX, '');
      return p === '*' ? p : p.replaceAll('*', '');
    })
    .join('+');
}

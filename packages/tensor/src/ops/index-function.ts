/**
 * `index` as a function, called like the method: `index(x, 0, ':', null)` is `x.index(0, ':', null)`
 * (`x[0, :, None]`). The items may also come as one list, `index(x, [0, ':', null])`; so a single
 * index array through the function form is written `index(x, [[0, 2]])` (or with an int tensor).
 */
import type { Tensor } from '../tensor.js';
import { index as indexItems, type IndexItem } from './indexing.js';

export function index(x: Tensor, ...items: IndexItem[] | [readonly IndexItem[]]): Tensor {
  const list = items.length === 1 && Array.isArray(items[0]) ? (items[0] as readonly IndexItem[]) : (items as IndexItem[]);
  return indexItems(x, list);
}

/**
 * @flint/data: datasets and batching, as `torch.utils.data`.
 */
export { Dataset, TensorDataset, Subset } from './dataset.js';
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { defaultCollate, type Collated } from './collate.js';
export { randomSplit } from './random-split.js';

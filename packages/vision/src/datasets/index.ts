/** Datasets, as `torchvision.datasets`. */
export { MNIST, type MNISTOptions } from './mnist.js';

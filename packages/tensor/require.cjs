'use strict';
// @flint/tensor is an ES module (it starts its backend with top-level await), so require() cannot load it.
throw new Error(
  "@flint/tensor is ESM-only (it uses top-level await), so require('@flint/tensor') cannot load it. " +
    "Use import { ... } from '@flint/tensor' in an ES module (a .mjs/.mts file, or \"type\": \"module\" in package.json), " +
    "or await import('@flint/tensor') from CommonJS.",
);

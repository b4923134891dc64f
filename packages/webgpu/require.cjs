'use strict';
// @flint/webgpu is an ES module (it starts its backend with top-level await), so require() cannot load it.
throw new Error(
  "@flint/webgpu is ESM-only (it uses top-level await), so require('@flint/webgpu') cannot load it. " +
    "Use import { ... } from '@flint/webgpu' in an ES module (a .mjs/.mts file, or \"type\": \"module\" in package.json), " +
    "or await import('@flint/webgpu') from CommonJS.",
);

'use strict';
// @flint/optim is an ES module (it starts its backend with top-level await), so require() cannot load it.
throw new Error(
  "@flint/optim is ESM-only (it uses top-level await), so require('@flint/optim') cannot load it. " +
    "Use import { ... } from '@flint/optim' in an ES module (a .mjs/.mts file, or \"type\": \"module\" in package.json), " +
    "or await import('@flint/optim') from CommonJS.",
);

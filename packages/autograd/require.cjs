'use strict';
// @flint/autograd is an ES module (it starts its backend with top-level await), so require() cannot load it.
throw new Error(
  "@flint/autograd is ESM-only (it uses top-level await), so require('@flint/autograd') cannot load it. " +
    "Use import { ... } from '@flint/autograd' in an ES module (a .mjs/.mts file, or \"type\": \"module\" in package.json), " +
    "or await import('@flint/autograd') from CommonJS.",
);

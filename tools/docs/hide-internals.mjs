// Leaves Flint's internals out of the API reference: members whose name starts with `_`
// (`_parameters`, `_getName`), as Python hides them by convention. Exported names such as
// `_BatchNorm` (PyTorch's own) stay.
import { Converter, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    const project = context.project;
    for (const r of Object.values(project.reflections)) {
      if (!r.name.startsWith('_')) continue;
      const parent = r.parent;
      if (parent && parent.kindOf(ReflectionKind.ClassOrInterface | ReflectionKind.TypeLiteral)) project.removeReflection(r);
    }
  });
}

// ESLint rule for the server's module boundaries (ADR 0025, amending the layout of ADR 0001):
// - platform/ imports no module: modules build on the platform, never the other way;
// - a module imports no other module's repository or tables: it asks that module's service;
// - nothing in a module imports the composition root (services, app, main, runtime, ingestion, jobs);
// - nothing outside the modules (composition root, CLI, demo, simulator) imports a module's
//   repository or tables: it works through the services the module's manifest provides (ADR 0030).
// Imports are resolved against the importing file, so `../x` and `../../modules/x` are judged alike.
import path from 'node:path';

const ROOT_FILES = new Set(['services', 'app', 'main', 'runtime', 'ingestion', 'jobs', 'cli']);

function classify(srcRoot, file) {
  const rel = path.relative(srcRoot, file).split(path.sep);
  if (rel[0] === 'platform') return { layer: 'platform' };
  if (rel[0] === 'modules' && rel.length > 2) return { layer: 'module', module: rel[1] };
  if (rel.length === 1) return { layer: 'root', name: rel[0].replace(/\.(ts|js)$/, '') };
  return { layer: 'other' };
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Keeps platform, modules and the composition root apart.' },
    schema: [
      {
        type: 'object',
        properties: {
          srcRoot: { type: 'string' },
          // Known crossings still to be removed, as "importing file (from srcRoot) -> imported file".
          baseline: { type: 'array', items: { type: 'string' } },
        },
        additionalProperties: false,
      },
    ],
  },
  create(context) {
    const { srcRoot, baseline = [] } = context.options[0];
    const known = new Set(baseline);
    const file = context.filename;
    const from = classify(srcRoot, file);
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      const to = classify(srcRoot, target);
      const base = path.basename(target, '.ts');
      let problem = null;
      if (from.layer === 'platform' && to.layer === 'module')
        problem = `platform code imports the ${to.module} module; the platform must not know any module`;
      else if (from.layer === 'module' && to.layer === 'root' && ROOT_FILES.has(to.name))
        problem = `a module imports the composition root (${to.name}); take what it needs as a constructor argument`;
      else if (
        from.layer === 'module' &&
        to.layer === 'module' &&
        from.module !== to.module &&
        /\.(repository|tables)$/.test(base)
      )
        problem = `the ${from.module} module reaches into ${to.module}'s ${base.split('.').pop()}; use the ${to.module} service`;
      else if (
        (from.layer === 'root' || from.layer === 'other') &&
        to.layer === 'module' &&
        /\.(repository|tables)$/.test(base)
      )
        problem = `code outside the modules reaches into ${to.module}'s ${base.split('.').pop()}; use the services its manifest provides`;
      if (!problem) return;
      const pair = `${path.relative(srcRoot, file)} -> ${path.relative(srcRoot, target)}`;
      if (known.has(pair)) return;
      context.report({ node, message: `${problem} (${pair})` });
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

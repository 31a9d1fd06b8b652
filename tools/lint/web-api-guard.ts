import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { z } from 'zod';

/**
 * The web reaches the API only through the typed client (apps/web/src/app/api-client.ts, ADR 0026):
 * paths, arguments and answers come from the endpoint definitions in packages/contracts. This finds
 * what would bring a second, hand-kept description back:
 * - a string holding an `/api/` path anywhere but the client;
 * - `fetch`, `XMLHttpRequest` or `.json()` anywhere but the client;
 * - an interface or object type whose members cover the fields of an object some endpoint answers
 *   with (a hand-written copy of a response type; derive it with z.infer / ResponseOf instead);
 * - a cast to an object type written in place (`x as { title?: string }`) or to a type imported
 *   from the contracts (parse with its schema instead), and a type argument given to
 *   `call`/`useEndpoint`, which would override the type the definition gives.
 */
export interface Violation {
  file: string;
  line: number;
  rule:
    | 'raw-api-path'
    | 'raw-request'
    | 'hand-written-response-type'
    | 'shape-cast'
    | 'contract-cast'
    | 'typed-call';
  text: string;
}

/** The one file allowed to build requests itself. */
export const CLIENT_FILE = 'app/api-client.ts';

/** Fewer fields than this is too little to call a copy (`{ id, name }` is everywhere). */
const MIN_FIELDS = 3;

type Schema = z.ZodType;
interface Def {
  type: string;
  shape?: Record<string, Schema>;
  element?: Schema;
  options?: Schema[];
  innerType?: Schema;
  in?: Schema;
  out?: Schema;
  valueType?: Schema;
  left?: Schema;
  right?: Schema;
  items?: Schema[];
}

/** Every object shape (its field names) found anywhere inside the answers of the given endpoints. */
export function responseShapes(
  endpoints: Record<string, Record<string, { responses: Record<number, unknown> }>>,
): string[][] {
  const shapes = new Map<string, string[]>();
  const seen = new Set<Schema>();
  const walk = (schema: Schema | undefined): void => {
    if (!schema || seen.has(schema)) return;
    seen.add(schema);
    const def = defOf(schema);
    if (!def) return;
    if (def.type === 'object' && def.shape) {
      const keys = Object.keys(def.shape).sort();
      if (keys.length >= MIN_FIELDS) shapes.set(keys.join(','), keys);
      for (const child of Object.values(def.shape)) walk(child);
    }
    for (const child of [def.element, def.innerType, def.in, def.out, def.valueType, def.left, def.right])
      walk(child);
    for (const child of [...(def.options ?? []), ...(def.items ?? [])]) walk(child);
  };
  for (const domain of Object.values(endpoints))
    for (const endpoint of Object.values(domain))
      for (const answer of Object.values(endpoint.responses))
        if (typeof answer === 'object') walk(answer as Schema);
  return [...shapes.values()];
}

function defOf(schema: unknown): Def | null {
  const zod = (schema as { _zod?: { def?: Def } } | null)?._zod;
  return zod?.def ?? null;
}

function isObjectSchema(schema: Schema | undefined): boolean {
  const def = defOf(schema);
  if (!def) return false;
  if (def.type === 'object' || def.type === 'array' || def.type === 'intersection') return true;
  if (def.type === 'union') return (def.options ?? []).some(isObjectSchema);
  return isObjectSchema(def.innerType ?? def.out);
}

/**
 * The type names the contracts export for object-shaped schemas, by their convention: schema
 * `caseDetail`, type `CaseDetail`.
 */
export function contractObjectTypes(modules: Record<string, unknown>[]): Set<string> {
  const names = new Set<string>();
  for (const exports of modules)
    for (const [name, value] of Object.entries(exports))
      if (isObjectSchema(value as Schema)) names.add(name.charAt(0).toUpperCase() + name.slice(1));
  return names;
}

function memberNames(members: ts.NodeArray<ts.TypeElement>): string[] {
  return members
    .filter((m): m is ts.PropertySignature => ts.isPropertySignature(m))
    .map((m) => m.name.getText())
    .map((name) => name.replace(/^['"]|['"]$/g, ''));
}

function hasTypeLiteral(node: ts.Node): boolean {
  return (
    ts.isTypeLiteralNode(node) ||
    (ts.forEachChild(node, (child) => hasTypeLiteral(child) || undefined) ?? false)
  );
}

/** The type names a cast's target is made of; `T['field']` is a field's type, not T. */
function typeNames(node: ts.Node): string[] {
  const names: string[] = [];
  const walk = (n: ts.Node): void => {
    if (ts.isIndexedAccessTypeNode(n)) return;
    if (ts.isTypeReferenceNode(n) && ts.isIdentifier(n.typeName)) names.push(n.typeName.text);
    ts.forEachChild(n, walk);
  };
  walk(node);
  return names;
}

/** Violations in one web source file; `file` is its path under apps/web/src. */
export function checkSource(
  file: string,
  source: string,
  shapes: string[][],
  objectTypes: ReadonlySet<string> = new Set(),
): Violation[] {
  const found: Violation[] = [];
  const isClient = file === CLIENT_FILE;
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const report = (node: ts.Node, rule: Violation['rule']) =>
    found.push({
      file,
      line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
      rule,
      text: node.getText(sf).split('\n')[0]!.slice(0, 120),
    });
  const copies = (names: string[]) =>
    names.length >= MIN_FIELDS && shapes.some((shape) => shape.every((key) => names.includes(key)));

  // Object types imported from the contracts: a value gets one by parsing with its schema, not by
  // a cast. (Casting a select's value to an enum type such as Department is narrowing, not this.)
  const contractTypes = new Set<string>();
  for (const statement of sf.statements)
    if (
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text.startsWith('@civitas/contracts/')
    ) {
      const bindings = statement.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings))
        for (const el of bindings.elements)
          if (objectTypes.has((el.propertyName ?? el.name).text)) contractTypes.add(el.name.text);
    }

  const visit = (node: ts.Node): void => {
    if (
      !isClient &&
      (ts.isStringLiteral(node) ||
        ts.isNoSubstitutionTemplateLiteral(node) ||
        ts.isTemplateLiteralToken(node)) &&
      node.text.includes('/api/')
    )
      report(node, 'raw-api-path');
    if (!isClient && ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee) && callee.text === 'fetch') report(node, 'raw-request');
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'json' && node.arguments.length === 0)
        report(node, 'raw-request');
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'fetch') report(node, 'raw-request');
    }
    if (
      !isClient &&
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'XMLHttpRequest'
    )
      report(node, 'raw-request');
    if (ts.isInterfaceDeclaration(node) && copies(memberNames(node.members)))
      report(node, 'hand-written-response-type');
    if (ts.isTypeLiteralNode(node) && copies(memberNames(node.members)))
      report(node, 'hand-written-response-type');
    if (ts.isAsExpression(node) && !isClient) {
      const names = typeNames(node.type);
      if (hasTypeLiteral(node.type)) report(node, 'shape-cast');
      else if (names.some((n) => contractTypes.has(n))) report(node, 'contract-cast');
    }
    if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      ['call', 'useEndpoint'].includes(node.expression.text) &&
      node.typeArguments?.length
    )
      report(node, 'typed-call');
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** The .ts/.tsx files under a directory, as paths relative to it with forward slashes. */
export function sourceFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

export function checkTree(root: string, shapes: string[][], objectTypes: ReadonlySet<string>): Violation[] {
  return sourceFiles(root).flatMap((file) =>
    checkSource(file, readFileSync(path.join(root, file), 'utf8'), shapes, objectTypes),
  );
}

/**
 * Which way imports run, checked over every import in src/ and test/, tests
 * included, in the style of refined-github's `build/features.test.ts`: the house's floors, top to
 * bottom, are extension beside pwa beside admin, then ui, then host, then engine beside server,
 * then protocol, with test/ above engine and server as the only bridge between them. A failure
 * lists each forbidden arrow as `importer → imported (rule)`.
 */
import { statSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { isTestFile, readSource, repoRoot, sourceFiles } from './source-files';

const AREAS = [
  'protocol',
  'engine',
  'server',
  'host',
  'ui',
  'extension',
  'pwa',
  'admin',
  'test',
] as const;
type Area = (typeof AREAS)[number];

/**
 * Paths name a file (`src/engine/index.ts`), a module whatever its extension or index file
 * (`src/host/contract`), or a folder (ending in `/`).
 */
type PathPattern = string;

/** The host's page face: all a page may load of src/host (the rest runs beside the engine). */
const PAGE_FACE: readonly PathPattern[] = [
  'src/host/contract',
  'src/host/wire',
  'src/host/status-hub',
  'src/host/status-snapshot',
  'src/host/record-title',
];

/** The files of extension/ and pwa/ that run in a service worker; the rest there is page-side. */
const WORKER_SIDE: readonly PathPattern[] = [
  'src/extension/background/',
  'src/pwa/sw.ts',
  'src/pwa/worker/',
];

interface Allow {
  area: Area;
  /** Only these paths of the area. */
  only?: readonly PathPattern[];
  /** Only `import type` / `export type`: erased at build, so no code of the area is bundled. */
  typeOnly?: boolean;
}

/** What each area may import besides itself and packages. */
const MAY_IMPORT: Record<Area, readonly Allow[]> = {
  // The wire's types and validation: the floor everything stands on; it stands on nothing.
  protocol: [],
  // The sync engine knows the wire and nothing of its hosts, its pages or the server it talks to.
  engine: [{ area: 'protocol' }],
  // The server is the engine's sibling, not its base; the two meet only in test/.
  server: [{ area: 'protocol' }],
  // What both service workers run around the engine; it never reaches up to pages or hosts.
  host: [{ area: 'engine' }, { area: 'protocol' }],
  // Screens reach the worker through the host's page face. Engine and protocol shapes come in as
  // types only, so no engine code lands in a page bundle; the runtime exceptions are the
  // server-address and passphrase-strength rules, pure functions every layer shares.
  ui: [
    { area: 'host', only: PAGE_FACE },
    { area: 'engine', typeOnly: true },
    { area: 'protocol', typeOnly: true },
    { area: 'protocol', only: ['src/protocol/server-url'] },
    // The passphrase-strength rule, so the form shows the estimate the worker enforces; pages
    // load it lazily (its dictionaries are large).
    { area: 'protocol', only: ['src/protocol/passphrase-strength'] },
    // Bytes the worker's messages carry as text (a passkey's PRF output), in the one encoding.
    { area: 'protocol', only: ['src/protocol/base64url'] },
  ],
  // The two hosts stand on host and ui, and reach the engine only through its face.
  extension: [
    { area: 'host' },
    { area: 'ui' },
    { area: 'protocol' },
    { area: 'engine', only: ['src/engine/index.ts'] },
  ],
  pwa: [
    { area: 'host' },
    { area: 'ui' },
    { area: 'protocol' },
    { area: 'engine', only: ['src/engine/index.ts'] },
  ],
  // The owner's admin page talks to the server's JSON API over HTTP, not to a worker: it stands on
  // ui's screens and styles and the wire's shapes, and reaches neither host nor engine.
  admin: [{ area: 'ui' }, { area: 'protocol', typeOnly: true }],
  // The rig and the tests that span tiers sit above everything they check.
  test: [
    { area: 'protocol' },
    { area: 'engine' },
    { area: 'server' },
    { area: 'host' },
    { area: 'ui' },
    { area: 'extension' },
    { area: 'pwa' },
    { area: 'admin' },
  ],
};

interface Never {
  rule: string;
  importer: (path: string) => boolean;
  imported: (path: string) => boolean;
}

/** Arrows forbidden whatever the areas allow, within an area too, and even as `import type`. */
const NEVER: readonly Never[] = [
  // test/ starts servers and spans tiers; nothing that ships may lean on it.
  {
    rule: 'src never imports test/',
    importer: (path) => path.startsWith('src/'),
    imported: (path) => path.startsWith('test/'),
  },
  // Sibling hosts (Hono: an adapter never imports a sibling adapter); what both need lives in host.
  {
    rule: 'extension and pwa never import each other',
    importer: (path) => areaOf(path) === 'extension',
    imported: (path) => areaOf(path) === 'pwa',
  },
  {
    rule: 'extension and pwa never import each other',
    importer: (path) => areaOf(path) === 'pwa',
    imported: (path) => areaOf(path) === 'extension',
  },
  // A service worker runs the host, not the screens: what both need is the host's contract.
  {
    rule: 'service workers never import ui',
    importer: (path) => WORKER_SIDE.some((side) => matches(path, side)),
    imported: (path) => areaOf(path) === 'ui',
  },
  // A page (ui, and every extension/pwa file outside WORKER_SIDE, such as page-bridge.ts,
  // popup/, options/, pwa/page/, pwa/main.tsx, pwa/update/) loads only the host's page face.
  {
    rule: 'pages import from host only contract, wire, status-hub',
    importer: isPage,
    imported: (path) => areaOf(path) === 'host' && !PAGE_FACE.some((face) => matches(path, face)),
  },
  // The engine's fakes are for tests (which may import them); production code never loads them.
  {
    rule: 'only tests import src/engine/testing',
    importer: (path) => !isTestSupport(path),
    imported: (path) => path.startsWith('src/engine/testing/'),
  },
];

/**
 * Files at the repository root (package.json, the build configs) are no floor of the house: the
 * server reads its version from package.json, and build tools read the configs.
 */
function isRootFile(path: string): boolean {
  return !path.includes('/');
}

function areaOf(path: string): Area | undefined {
  const folder = /^src\/([^/]+)\//.exec(path)?.[1] ?? (path.startsWith('test/') ? 'test' : '');
  return AREAS.find((area) => area === folder);
}

function matches(path: string, pattern: PathPattern): boolean {
  if (pattern.endsWith('/')) return path.startsWith(pattern);
  return (
    path === pattern || path.replace(/\.tsx?$/, '') === pattern || path.startsWith(`${pattern}/`)
  );
}

function isPage(path: string): boolean {
  const area = areaOf(path);
  if (area === 'ui') return true;
  return (
    (area === 'extension' || area === 'pwa') && !WORKER_SIDE.some((side) => matches(path, side))
  );
}

function isTestSupport(path: string): boolean {
  return isTestFile(path) || path.startsWith('test/') || /(^|\/)testing(\/|\.tsx?$)/.test(path);
}

interface Import {
  specifier: string;
  typeOnly: boolean;
}

/** Every module specifier `text` names: static, side-effect, re-export, dynamic, type-only. */
function importsOf(path: string, text: string): Import[] {
  const kind = path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, kind);
  const found: Import[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      // `import { type A }` is not type-only: verbatimModuleSyntax keeps it as `import {} from`.
      const typeOnly = node.importClause?.isTypeOnly ?? false;
      found.push({ specifier: node.moduleSpecifier.text, typeOnly });
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteralLike(argument))
        found.push({ specifier: argument.text, typeOnly: false });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function isFile(path: string): boolean {
  return statSync(join(repoRoot, path), { throwIfNoEntry: false })?.isFile() ?? false;
}

/** A relative specifier as a repo path, the way the bundler finds it; undefined if none. */
function resolveRelative(importer: string, specifier: string): string | undefined {
  const base = posix.join(posix.dirname(importer), specifier.replace(/[?#].*$/, ''));
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`];
  return candidates.find(isFile);
}

interface Edge {
  importer: string;
  specifier: string;
  imported: string | undefined;
  typeOnly: boolean;
}

const files = [...sourceFiles('src'), ...sourceFiles('test')];
const edges: Edge[] = files.flatMap((importer) =>
  importsOf(importer, readSource(importer))
    .filter(({ specifier }) => specifier.startsWith('.'))
    .map(({ specifier, typeOnly }) => ({
      importer,
      specifier,
      imported: resolveRelative(importer, specifier),
      typeOnly,
    })),
);

function describeAllow({ area, only, typeOnly }: Allow): string {
  const what = only ? only.map((path) => path.replace(/^src\//, '')).join(', ') : area;
  return typeOnly ? `${what} as import type` : what;
}

/** The rule an import breaks, or undefined if it is allowed. */
function brokenRule({ importer, imported, typeOnly }: Edge): string | undefined {
  if (imported === undefined || isRootFile(imported)) return undefined;
  const never = NEVER.find((rule) => rule.importer(importer) && rule.imported(imported));
  if (never) return never.rule;
  const from = areaOf(importer);
  const to = areaOf(imported);
  if (from === undefined || from === to) return undefined;
  const allows = MAY_IMPORT[from];
  const allowed = allows.some(
    (allow) =>
      allow.area === to &&
      (!allow.typeOnly || typeOnly) &&
      (!allow.only || allow.only.some((path) => matches(imported, path))),
  );
  if (allowed) return undefined;
  const may = allows.length ? allows.map(describeAllow).join('; ') : 'nothing';
  const typeOnlyWouldDo = !typeOnly && allows.some((allow) => allow.area === to && allow.typeOnly);
  return `${from} may import only ${may}${typeOnlyWouldDo ? '; this one is not import type' : ''}`;
}

describe('import rules', () => {
  test('the reader sees every import form', () => {
    const text = [
      "import a from './a';",
      "import { b, type B } from './b';",
      "import type { C } from './c';",
      "import './d.css';",
      "export { e } from './e';",
      "export type { F } from './f';",
      "export * from './g';",
      "const h = await import('./h');",
      "type I = import('./i').I;",
      "import pkg from 'pkg';",
    ].join('\n');
    expect(importsOf('x.ts', text)).toEqual([
      { specifier: './a', typeOnly: false },
      { specifier: './b', typeOnly: false },
      { specifier: './c', typeOnly: true },
      { specifier: './d.css', typeOnly: false },
      { specifier: './e', typeOnly: false },
      { specifier: './f', typeOnly: true },
      { specifier: './g', typeOnly: false },
      { specifier: './h', typeOnly: false },
      { specifier: './i', typeOnly: true },
      { specifier: 'pkg', typeOnly: false },
    ]);
  });

  test('every folder under src/ is an area with a rule row', () => {
    const strays = [...new Set(files.filter((path) => !areaOf(path)))];
    expect(strays, `files outside the areas ${AREAS.join(', ')}`).toEqual([]);
  });

  test('every relative import resolves to a file', () => {
    const broken = edges
      .filter((edge) => edge.imported === undefined)
      .map((edge) => `${edge.importer} → ${edge.specifier} (does not resolve)`);
    expect(broken, broken.join('\n')).toEqual([]);
  });

  test.each(AREAS)('%s imports only what its rule allows', (area) => {
    const violations = edges
      .filter((edge) => areaOf(edge.importer) === area)
      .flatMap((edge) => {
        const rule = brokenRule(edge);
        return rule ? [`${edge.importer} → ${edge.imported} (${rule})`] : [];
      });
    expect(violations, `forbidden imports:\n${violations.join('\n')}\n`).toEqual([]);
  });
});

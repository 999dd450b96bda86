/**
 * Guards the layering of ARCHITECTURE.md: a folder imports only from layers below it (or its own
 * layer), reaches into another module only through that module's index.ts, and engine/storage
 * code takes time and files from the Clock and FileSystem instead of Date.now() and node:fs.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..', '..');

/** Bottom to top. A layer may import from itself and from layers with a lower rank. */
const layerRank: Record<string, number> = {
  common: 0,
  storage: 1,
  registry: 2,
  engine: 3,
  queries: 4,
  server: 5,
  cli: 6,
  bench: 7,
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** A module is a layer's sub-folder (`engine/types`), or the layer itself for files at its root. */
function moduleOf(relativePath: string): string {
  const parts = relativePath.split('/');
  if (parts.length <= 2) return parts[0]!;
  return `${parts[0]}/${parts[1]}`;
}

function importsOf(text: string): string[] {
  const specifiers: string[] = [];
  const pattern = /(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const match of text.matchAll(pattern)) specifiers.push((match[1] ?? match[2])!);
  return specifiers;
}

export function layeringViolations(): string[] {
  const violations: string[] = [];
  for (const layer of Object.keys(layerRank)) {
    const layerDir = path.join(root, layer);
    if (!existsSync(layerDir)) continue;
    for (const file of sourceFiles(layerDir)) {
      const relative = path.relative(root, file).split(path.sep).join('/');
      const fromModule = moduleOf(relative);
      const text = readFileSync(file, 'utf8');
      for (const specifier of importsOf(text)) {
        if (!specifier.startsWith('.')) {
          const usesFs = /^(node:)?fs(\/promises)?$/.test(specifier);
          const mayUseFs = !/^(engine|storage)\//.test(relative) || relative.startsWith('storage/fs/');
          if (usesFs && !mayUseFs) violations.push(`${relative}: imports ${specifier}; engine and storage use storage/fs`);
          continue;
        }
        const target = path.relative(root, path.resolve(path.dirname(file), specifier)).split(path.sep).join('/');
        const targetLayer = target.split('/')[0]!;
        if (!(targetLayer in layerRank)) {
          violations.push(`${relative}: imports ${specifier}, outside the source layers`);
          continue;
        }
        if (layerRank[targetLayer]! > layerRank[layer]!) {
          violations.push(`${relative}: imports ${specifier}, from ${targetLayer}/ which is above ${layer}/`);
          continue;
        }
        const targetModule = moduleOf(target);
        if (targetModule !== fromModule && !fromModule.startsWith(targetModule + '/')) {
          const isIndex = /\/index\.js$/.test(target) && path.dirname(target) === targetModule;
          if (!isIndex) violations.push(`${relative}: imports ${specifier}; reach ${targetModule}/ only through its index.ts`);
        }
      }
      if (/^(engine|storage)\//.test(relative) && /\bDate\.now\(/.test(text)) {
        violations.push(`${relative}: calls Date.now(); take a Clock`);
      }
    }
  }
  return violations;
}

describe('architecture', () => {
  it('imports only go down the layers, through index.ts', () => {
    expect(layeringViolations()).toEqual([]);
  });

  it('catches a violation (the checker is live)', () => {
    expect(importsOf(`import { x } from '../../server/http/index.js';`)).toEqual(['../../server/http/index.js']);
    expect(importsOf(`export type { A } from './a.js';\nconst m = await import('./b.js');`)).toEqual(['./a.js', './b.js']);
    expect(moduleOf('engine/types/decimal.ts')).toBe('engine/types');
    expect(moduleOf('common/errors.ts')).toBe('common');
  });

  it('every module has an index.ts with a header comment', () => {
    const missing: string[] = [];
    for (const layer of Object.keys(layerRank)) {
      const layerDir = path.join(root, layer);
      if (!existsSync(layerDir)) continue;
      for (const entry of readdirSync(layerDir)) {
        const dir = path.join(layerDir, entry);
        if (!statSync(dir).isDirectory() || sourceFiles(dir).length === 0) continue;
        const index = path.join(dir, 'index.ts');
        if (!existsSync(index)) missing.push(`${layer}/${entry}/index.ts is missing`);
        else if (!readFileSync(index, 'utf8').trimStart().startsWith('/**')) missing.push(`${layer}/${entry}/index.ts has no header comment`);
      }
    }
    expect(missing).toEqual([]);
  });
});

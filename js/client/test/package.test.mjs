// The package as a consumer meets it: every subpath of the exports map loads, the index exports
// every module's exports, each export carries a JSDoc comment, and the README's table lists
// every export.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as client from '@registration/client';

const file = (name) => readFileSync(new URL(`../${name}`, import.meta.url), 'utf8');
const pkg = JSON.parse(file('package.json'));
const modules = Object.entries(pkg.exports).filter(([subpath]) => subpath !== '.' && subpath !== './package.json');

describe('the package', () => {
  it('is a private ES module package with @polkadot/* as pinned peers', () => {
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.private, true);
    const e2e = JSON.parse(readFileSync(new URL('../../../e2e/package.json', import.meta.url), 'utf8'));
    for (const [name, version] of Object.entries(pkg.peerDependencies)) {
      assert.equal(e2e.dependencies[name], version, `${name}: the version e2e/package.json pins`);
    }
  });

  it('loads every subpath of its exports map, and the index exports all of them', async () => {
    const all = new Set();
    for (const [subpath] of modules) {
      const module = await import(`@registration/client/${subpath.slice(2)}`);
      assert.ok(Object.keys(module).length > 0, subpath);
      Object.keys(module).forEach((name) => all.add(name));
    }
    assert.deepEqual(Object.keys(client).sort(), [...all].sort());
  });

  it('documents every export with a JSDoc comment', () => {
    for (const [, target] of modules) {
      const lines = file(target.slice(2)).split('\n');
      lines.forEach((line, i) => {
        const m = /^export (?:async function|function|const|class) (\w+)/.exec(line);
        if (!m) return;
        let j = i - 1;
        while (j >= 0 && lines[j].trim() === '') j -= 1;
        assert.ok(lines[j].trim().endsWith('*/'), `${target}: ${m[1]} has no JSDoc comment`);
        while (j >= 0 && !lines[j].includes('/*')) j -= 1;
        assert.ok(lines[j].trim().startsWith('/**'), `${target}: ${m[1]}'s comment is not JSDoc`);
      });
    }
  });

  it('lists every export in the README', () => {
    const readme = file('README.md');
    for (const name of Object.keys(client)) assert.match(readme, new RegExp(`\`${name}\\b`), `README.md lacks ${name}`);
  });
});

/**
 * Fails (exit 1) when any installed package, production or development, carries a licence outside the
 * permissive allow-list. SPDX expressions are evaluated: `A OR B` passes if either passes, `A AND B` only if both.
 * Run: npm run licenses
 */
import type { ModuleInfos } from 'license-checker-rseidelsohn' with { 'resolution-mode': 'import' };
import { permitted } from './license-policy';

async function main(): Promise<void> {
  // The checker is an ES module; load it the way a CommonJS script can.
  const { init } = await import('license-checker-rseidelsohn');
  init({ start: process.cwd(), excludePrivatePackages: true }, (err: Error | null, packages: ModuleInfos) => {
    if (err) {
      console.error(`licence check could not run: ${err.message}`);
      process.exit(2);
    }
    const bad = Object.entries(packages)
      .map(([name, info]) => ({
        name,
        licenses: ([] as string[]).concat(info.licenses ?? 'UNKNOWN').join(' OR '),
      }))
      .filter((p) => !permitted(p.licenses));
    const total = Object.keys(packages).length;
    if (bad.length > 0) {
      console.error(`Non-permissive or unknown licences in the dependency tree (${bad.length} of ${total}):`);
      for (const p of bad) console.error(`  ${p.name}: ${p.licenses}`);
      console.error(
        'The project is Apache-2.0 and allows only permissive dependencies (see README, "Licence").',
      );
      process.exit(1);
    }
    console.log(`licences ok: ${total} packages, all permissive`);
  });
}

void main();

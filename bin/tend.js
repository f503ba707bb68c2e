#!/usr/bin/env node
// Entry point for `npx tend`. Tend is written in TypeScript and runs on Node 24 or later,
// which executes .ts files directly; this shim checks the version and loads the CLI.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(
    `tend: Node.js ${process.versions.node} is too old. Tend needs Node 22 or later (24 LTS recommended).\n` +
      'Run it through npm (npx tend, npm start), which uses the Node 24 pinned in devDependencies.',
  );
  process.exit(1);
}
await import('../src/cli/main.ts');

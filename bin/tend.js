#!/usr/bin/env node
// Entry point for `npx tend`. Tend is written in TypeScript and runs on Node 24.7 or later, which
// executes .ts files directly and hashes passwords with its own crypto.argon2; this shim checks the
// version and loads the CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 24 || (major === 24 && minor < 7)) {
  console.error(
    `tend: Node.js ${process.versions.node} is too old. Tend needs Node 24.7 or later (for crypto.argon2).\n` +
      'Run it through npm (npx tend, npm start), which uses the Node 24 pinned in devDependencies.',
  );
  process.exit(1);
}
await import('../src/cli/main.ts');

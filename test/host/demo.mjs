// A VS Code (code-server) with the extension loaded in development mode and examples/ open, for trying
// things by hand:   npm run demo   (then open the printed URL; Ctrl-C stops the server)
// Env: SEQLAB_DEMO_PORT (default: a free port), SEQLAB_EXTENSION_PATH, SEQLAB_DEMO_FOLDER (default examples/).
import path from 'node:path';
import { defaultExtensionPath, ensureSetup, remoteUri, repoRoot, startCodeServer, workbenchUrl } from './codeServer.mjs';

ensureSetup();
const extensionPath = defaultExtensionPath();
const folder = path.resolve(process.env.SEQLAB_DEMO_FOLDER ?? path.join(repoRoot, 'examples'));
const port = process.env.SEQLAB_DEMO_PORT ? Number(process.env.SEQLAB_DEMO_PORT) : undefined;
const server = await startCodeServer({ port });
// development mode through the URL: reload the page after `npm run build` to pick up a new dist/extension.js
const url = workbenchUrl(server, folder, [['extensionDevelopmentPath', remoteUri(server, extensionPath)]]);
console.log(`extension: ${path.relative(repoRoot, extensionPath) || '.'}   folder: ${folder}`);
console.log(`code-server log: ${server.logFile}`);
console.log(`\n  ${url}\n`);
console.log('Ctrl-C to stop.');
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);

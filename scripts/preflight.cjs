// Runs before `npm start` and `npm install`, on any Node (no syntax newer than ES5-era APIs), so a
// too-old Node gets one sentence instead of an ERR_UNKNOWN_FILE_EXTENSION stack trace from a .ts file.
/* global process */
'use strict';
var required = [22, 18];
var parts = process.versions.node.split('.').map(Number);
var ok = parts[0] > required[0] || (parts[0] === required[0] && parts[1] >= required[1]);
if (!ok) {
  process.stderr.write(
    'War Room needs Node.js ' + required.join('.') + ' or newer (it runs TypeScript directly), but this is Node ' +
      process.versions.node + ': install the current LTS from https://nodejs.org or run `nvm install 24 && nvm use 24`, then try again.\n'
  );
  process.exit(1);
}

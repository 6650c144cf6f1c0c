// Programmatic entry point: the same engine the n8n nodes use, for scripts and schedulers.
// Built into dist/ by `npm run build` (run automatically before `npm pack`).
module.exports = require('./dist/lib/index.js');

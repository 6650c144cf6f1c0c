const path = require('path');
const { task, src, dest } = require('gulp');

// n8n resolves a `file:` icon relative to the compiled .js file that names it, and reads each node's
// codex file (.node.json: categories, aliases, docs links) from next to it. The icons have one copy,
// icons/ (nodes refer to ../../icons/, the credentials to ../icons/), copied to dist/icons; the codex
// files are copied into dist/nodes with the same layout.
task('build:icons', () => {
	const codexSource = path.resolve('nodes', '**', '*.node.json');
	src(codexSource, { encoding: false }).pipe(dest(path.resolve('dist', 'nodes')));
	return src(path.resolve('icons', '*.svg'), { encoding: false }).pipe(dest(path.resolve('dist', 'icons')));
});

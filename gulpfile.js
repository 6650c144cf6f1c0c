const path = require('path');
const { task, src, dest } = require('gulp');

// n8n loads node and credential icons, and each node's codex file (.node.json: categories, docs
// links), from next to the compiled .js files, so they are copied into dist/ with the same layout.
task('build:icons', () => {
	const nodeSource = path.resolve('nodes', '**', '*.{png,svg,node.json}');
	const nodeDestination = path.resolve('dist', 'nodes');
	const credSource = path.resolve('credentials', '**', '*.{png,svg}');
	const credDestination = path.resolve('dist', 'credentials');
	src(nodeSource, { encoding: false }).pipe(dest(nodeDestination));
	return src(credSource, { encoding: false }).pipe(dest(credDestination));
});

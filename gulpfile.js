const path = require('path');
const { task, src, dest } = require('gulp');

// n8n loads node and credential icons from next to the compiled .js files, so the SVG/PNG
// files are copied into dist/ with the same folder layout.
task('build:icons', () => {
	const nodeSource = path.resolve('nodes', '**', '*.{png,svg}');
	const nodeDestination = path.resolve('dist', 'nodes');
	const credSource = path.resolve('credentials', '**', '*.{png,svg}');
	const credDestination = path.resolve('dist', 'credentials');
	src(nodeSource, { encoding: false }).pipe(dest(nodeDestination));
	return src(credSource, { encoding: false }).pipe(dest(credDestination));
});

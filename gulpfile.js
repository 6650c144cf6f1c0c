const fs = require('fs');
const path = require('path');
const { task, src, dest } = require('gulp');

// The icons have one copy, nodes/shared/icons/. n8n serves a node's or a credential's `file:` icon only
// from the folder of its compiled .js file, so each such folder in dist/ gets a real copy; in the source
// tree the node and credential folders hold symbolic links to the one copy (n8n's icon lint rule looks
// for the file beside the source).
const ICONS = path.resolve('nodes', 'shared', 'icons');
// The folders of the compiled nodes and credentials n8n loads (package.json's n8n section).
const { n8n } = require('./package.json');
const ICON_FOLDERS = [...new Set([...n8n.nodes, ...n8n.credentials].map((file) => path.dirname(file)))];

// Each node's codex file (.node.json: categories, docs links) is read from next to the compiled .js too.
task('build:icons', async () => {
	for (const folder of ICON_FOLDERS) {
		fs.mkdirSync(folder, { recursive: true });
		for (const icon of fs.readdirSync(ICONS)) fs.copyFileSync(path.join(ICONS, icon), path.join(folder, icon));
	}
	await new Promise((resolve, reject) =>
		src(path.resolve('nodes', '**', '*.node.json')).pipe(dest(path.resolve('dist', 'nodes'))).on('finish', resolve).on('error', reject),
	);
});

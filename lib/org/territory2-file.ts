/**
 * Territory2 component files as retrieve() returns them and deploy() takes them, edited as text: only the
 * `<ruleAssociations>` elements change, every other byte of the file (customFields with their xsi:type
 * values, fields this code does not know, comments, the file's indentation) goes back as retrieved. A
 * deployed file replaces the whole component, so anything dropped or rewritten here would be lost in the org.
 *
 * Metadata API Developer Guide, Territory2: files `<Territory2Model>/territories/<Territory2>.territory2`
 * under `territory2Models/`; fullName `<Model>.<Territory>`; ruleAssociations are Territory2RuleAssociation
 * `{ inherited, ruleName }` (ruleName: the Territory2Rule's developer name). "Deploying and Retrieving
 * Metadata with the Zip File": package.xml names each component in `<types><members/><name/></types>`
 * with the API `<version>`.
 */

export interface RuleAssociation {
	ruleName: string;
	inherited: boolean;
}

export class Territory2FileError extends Error {}

export const TERRITORY2_TYPE = 'Territory2';
const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';

/** An element of the file, by character offsets: [start, end) is the whole element, [contentStart, contentEnd) its content. */
interface Span {
	local: string;
	start: number;
	end: number;
	contentStart: number;
	contentEnd: number;
	children: Span[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (whole, ref: string) => {
		if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
		if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
		const value = ENTITIES[ref];
		if (value === undefined) throw new Territory2FileError(`Unknown entity ${whole}`);
		return value;
	});
}

/** The elements of a document, with offsets; throws Territory2FileError on anything malformed. */
function parseSpans(text: string): Span {
	const stack: Span[] = [];
	let root: Span | undefined;
	const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
	let pos = 0;
	while (pos < text.length) {
		const lt = text.indexOf('<', pos);
		if (lt === -1) break;
		const skip = (open: string, close: string): boolean => {
			if (!text.startsWith(open, lt)) return false;
			const end = text.indexOf(close, lt + open.length);
			if (end === -1) throw new Territory2FileError(`Unterminated ${open} at character ${lt}`);
			pos = end + close.length;
			return true;
		};
		if (skip('<?', '?>') || skip('<!--', '-->') || skip('<![CDATA[', ']]>')) continue;
		if (text.startsWith('<!', lt)) throw new Territory2FileError('Document type declarations are not accepted');
		tag.lastIndex = lt;
		const m = tag.exec(text);
		if (!m) throw new Territory2FileError(`Malformed tag at character ${lt}`);
		pos = tag.lastIndex;
		const [, closing, name, , selfClosing] = m;
		const local = name.slice(name.indexOf(':') + 1);
		if (closing) {
			const open = stack.pop();
			if (!open || open.local !== local) throw new Territory2FileError(`Unexpected closing tag </${name}> at character ${lt}`);
			open.contentEnd = lt;
			open.end = pos;
			continue;
		}
		const span: Span = { local, start: lt, end: pos, contentStart: pos, contentEnd: pos, children: [] };
		if (stack.length) stack[stack.length - 1].children.push(span);
		else if (root) throw new Territory2FileError('More than one root element');
		else root = span;
		if (!selfClosing) stack.push(span);
	}
	if (stack.length || !root) throw new Territory2FileError('The file ends inside an element');
	return root;
}

/** An element's text: CDATA sections as they are, entities and character references decoded. */
function textOf(text: string, span: Span): string {
	const raw = text.slice(span.contentStart, span.contentEnd);
	return raw
		.split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
		.map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeEntities(part.replace(/<!--[\s\S]*?-->/g, ''))))
		.join('');
}

function rootOf(text: string): Span {
	const root = parseSpans(text);
	if (root.local !== TERRITORY2_TYPE) throw new Territory2FileError(`Expected a <${TERRITORY2_TYPE}> file, found <${root.local}>`);
	return root;
}

function association(text: string, span: Span): RuleAssociation {
	const field = (local: string) => span.children.find((c) => c.local === local);
	const ruleName = field('ruleName');
	const inherited = field('inherited');
	return { ruleName: ruleName ? textOf(text, ruleName).trim() : '', inherited: inherited ? textOf(text, inherited).trim() === 'true' : false };
}

/** The rule associations a Territory2 file lists. */
export function readRuleAssociations(text: string): RuleAssociation[] {
	return rootOf(text)
		.children.filter((c) => c.local === 'ruleAssociations')
		.map((c) => association(text, c));
}

/**
 * The file with the associations `drop` selects removed and `add` appended, everything else verbatim.
 * New elements go after the last association there was, or else before the first element that follows
 * ruleAssociations in the type's sequence (a metadata file's elements come in its WSDL order, which for
 * Territory2 is alphabetical: …, parentTerritory, ruleAssociations, territory2Type), in the file's indentation.
 */
export function editRuleAssociations(text: string, drop: (a: RuleAssociation) => boolean, add: RuleAssociation[]): string {
	const root = rootOf(text);
	if (root.end === root.contentStart) throw new Territory2FileError('A self-closing <Territory2/> file cannot be edited');
	const children = root.children;
	// Each child with the whitespace (or comment) before it, so a removed element takes its line along.
	const gapBefore = (i: number) => text.slice(i === 0 ? root.contentStart : children[i - 1].end, children[i].start);
	const lastAssoc = children.map((c) => c.local).lastIndexOf('ruleAssociations');
	const following = children.findIndex((c) => c.local > 'ruleAssociations');
	const insertAt = lastAssoc >= 0 ? lastAssoc + 1 : following >= 0 ? following : children.length;
	const indent = children.length ? (/\s*$/.exec(gapBefore(0))?.[0] ?? '') : '\n    ';
	const unit = /[ \t]*$/.exec(indent)?.[0] ?? '';
	const inner = indent ? `${indent}${unit}` : '';
	const added = add
		.map(
			(a) =>
				`${indent}<ruleAssociations>${inner}<inherited>${a.inherited ? 'true' : 'false'}</inherited>${inner}` +
				`<ruleName>${escapeXml(a.ruleName)}</ruleName>${indent}</ruleAssociations>`,
		)
		.join('');

	let out = text.slice(0, root.contentStart);
	children.forEach((c, i) => {
		if (i === insertAt) out += added;
		const removed = c.local === 'ruleAssociations' && drop(association(text, c));
		if (!removed) out += gapBefore(i) + text.slice(c.start, c.end);
	});
	if (insertAt === children.length) out += added;
	const tail = children.length ? children[children.length - 1].end : root.contentStart;
	return out + text.slice(tail);
}

/** Where a Territory2 component lives in a package (Metadata API Developer Guide, Territory2). */
export function territory2Path(modelDeveloperName: string, territoryDeveloperName: string): string {
	return `territory2Models/${modelDeveloperName}/territories/${territoryDeveloperName}.territory2`;
}

/** The fullName of a Territory2 file's path (a package folder such as `unpackaged/` in front is allowed), or null. */
export function territory2FullName(path: string): string | null {
	const m = /(?:^|\/)territory2Models\/([^/]+)\/territories\/([^/]+)\.territory2$/.exec(path);
	return m ? `${m[1]}.${m[2]}` : null;
}

/** package.xml for components of one type. */
export function packageXml(type: string, members: string[], version: string): string {
	return (
		`<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="${METADATA_NS}">\n    <types>\n` +
		members.map((m) => `        <members>${escapeXml(m)}</members>\n`).join('') +
		`        <name>${escapeXml(type)}</name>\n    </types>\n    <version>${escapeXml(version)}</version>\n</Package>\n`
	);
}

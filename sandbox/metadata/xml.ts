/**
 * The little XML the Metadata API's SOAP endpoint needs: a parser for request envelopes (elements,
 * attributes, text, the five entities and character references, CDATA; no DTDs) and a writer for
 * responses. Namespace prefixes are kept in `name` and dropped in `local`, since clients choose them.
 */

export interface XmlNode {
	/** The element name as written, e.g. "soapenv:Body". */
	name: string;
	/** Without its prefix, e.g. "Body". */
	local: string;
	attrs: Record<string, string>;
	children: XmlNode[];
	/** The element's own text (concatenated, entities decoded). */
	text: string;
}

export class XmlError extends Error {}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
	return text.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (whole, ref: string) => {
		if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
		if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
		const value = ENTITIES[ref];
		if (value === undefined) throw new XmlError(`Unknown entity ${whole}`);
		return value;
	});
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);

/** Parses one document; throws XmlError on anything malformed. */
export function parseXml(source: string): XmlNode {
	const stack: XmlNode[] = [];
	let root: XmlNode | undefined;
	let pos = 0;
	const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
	const attr = /([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
	while (pos < source.length) {
		const lt = source.indexOf('<', pos);
		const text = source.slice(pos, lt === -1 ? source.length : lt);
		if (text.trim()) {
			if (!stack.length) throw new XmlError('Text outside the root element');
			stack[stack.length - 1].text += decode(text);
		}
		if (lt === -1) break;
		if (source.startsWith('<?', lt)) {
			const end = source.indexOf('?>', lt);
			if (end === -1) throw new XmlError('Unterminated processing instruction');
			pos = end + 2;
			continue;
		}
		if (source.startsWith('<!--', lt)) {
			const end = source.indexOf('-->', lt);
			if (end === -1) throw new XmlError('Unterminated comment');
			pos = end + 3;
			continue;
		}
		if (source.startsWith('<![CDATA[', lt)) {
			const end = source.indexOf(']]>', lt);
			if (end === -1 || !stack.length) throw new XmlError('Misplaced or unterminated CDATA section');
			stack[stack.length - 1].text += source.slice(lt + 9, end);
			pos = end + 3;
			continue;
		}
		if (source.startsWith('<!', lt)) throw new XmlError('Document type declarations are not accepted');
		tag.lastIndex = lt;
		const m = tag.exec(source);
		if (!m) throw new XmlError(`Malformed tag at character ${lt}`);
		pos = tag.lastIndex;
		const [, closing, name, rawAttrs, selfClosing] = m;
		if (closing) {
			const open = stack.pop();
			if (!open || open.name !== name || rawAttrs.trim() || selfClosing) throw new XmlError(`Unexpected closing tag </${name}>`);
			continue;
		}
		const attrs: Record<string, string> = {};
		for (const a of rawAttrs.matchAll(attr)) attrs[a[1]] = decode(a[2] ?? a[3] ?? '');
		const node: XmlNode = { name, local: localName(name), attrs, children: [], text: '' };
		if (stack.length) stack[stack.length - 1].children.push(node);
		else if (root) throw new XmlError('More than one root element');
		else root = node;
		if (!selfClosing) stack.push(node);
	}
	if (stack.length || !root) throw new XmlError('The document ends inside an element');
	return root;
}

/** The first child with this local name. */
export function child(node: XmlNode | undefined, local: string): XmlNode | undefined {
	return node?.children.find((c) => c.local === local);
}

export function childrenNamed(node: XmlNode | undefined, local: string): XmlNode[] {
	return node ? node.children.filter((c) => c.local === local) : [];
}

/** xsi:nil="true", whatever the prefix. */
export function isNil(node: XmlNode): boolean {
	return Object.entries(node.attrs).some(([k, v]) => localName(k) === 'nil' && v === 'true');
}

/** A child's text, null when absent or nil. */
export function childText(node: XmlNode, local: string): string | null {
	const c = child(node, local);
	return c && !isNil(c) ? c.text : null;
}

export function escapeXml(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** What `element` writes: text, nested elements (arrays repeat the element), or nothing (omitted). */
export type XmlValue = string | number | boolean | null | undefined | XmlTree | XmlValue[];
export interface XmlTree {
	/** Attributes, written as is (values escaped). */
	$?: Record<string, string>;
	[child: string]: XmlValue | Record<string, string> | undefined;
}

/** `<name>value</name>`; undefined writes nothing, null an xsi:nil element, arrays one element each. */
export function element(name: string, value: XmlValue): string {
	if (value === undefined) return '';
	if (Array.isArray(value)) return value.map((v) => element(name, v)).join('');
	if (value === null) return `<${name} xsi:nil="true"/>`;
	if (typeof value !== 'object') return `<${name}>${escapeXml(String(value))}</${name}>`;
	const attrs = Object.entries(value.$ ?? {})
		.map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
		.join('');
	const body = Object.entries(value)
		.filter(([k]) => k !== '$')
		.map(([k, v]) => element(k, v as XmlValue))
		.join('');
	return body ? `<${name}${attrs}>${body}</${name}>` : `<${name}${attrs}/>`;
}

export const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';

/**
 * A metadata file as retrieve() writes it: the XML declaration, the root in the metadata namespace, one
 * element a line, four spaces a level (what the Salesforce CLI and the Ant Migration Tool show).
 */
export function metadataFile(rootName: string, value: XmlTree): string {
	return `<?xml version="1.0" encoding="UTF-8"?>\n${pretty(rootName, { ...value, $: { xmlns: METADATA_NS, ...(value.$ ?? {}) } }, '')}\n`;
}

function pretty(name: string, value: XmlValue, indent: string): string {
	if (value === undefined) return '';
	if (Array.isArray(value)) return value.map((v) => pretty(name, v, indent)).filter(Boolean).join('\n');
	if (value === null) return `${indent}<${name} xsi:nil="true"/>`;
	if (typeof value !== 'object') return `${indent}<${name}>${escapeXml(String(value))}</${name}>`;
	const attrs = Object.entries(value.$ ?? {})
		.map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
		.join('');
	const body = Object.entries(value)
		.filter(([k]) => k !== '$')
		.map(([k, v]) => pretty(k, v as XmlValue, `${indent}    `))
		.filter(Boolean);
	return body.length ? `${indent}<${name}${attrs}>\n${body.join('\n')}\n${indent}</${name}>` : `${indent}<${name}${attrs}/>`;
}

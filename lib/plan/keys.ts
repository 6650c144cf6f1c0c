export function isValidDeveloperName(s: string): boolean {
	return /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/.test(s) && !s.endsWith('_') && s.length <= 80;
}
export function generateKey(path: string[]): string {
	return (path[path.length - 1] ?? 'T').replace(/[^A-Za-z0-9]+/g, '_');
}

/** The plan table in and out: parse and validate rows, generate keys, pack rules, write rows and CSV. */
export * from './types';
export * from './columns';
export * from './cells';
export * from './keys';
export * from './rules';
export * from './parse';
export * from './format';
export * from './csv';

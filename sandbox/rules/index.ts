import type { RuleBook } from '../store';

export const RULES: RuleBook = {};

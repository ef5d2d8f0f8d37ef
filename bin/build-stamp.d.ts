// Types of build-stamp.js (plain JavaScript: bin/ runs before any TypeScript tooling is loaded).
export declare const BUILD_DIR: string;
export declare const STAMP_FILE: string;
export declare function sourceStamp(root: string): { files: number; newestMtimeMs: number };
export declare function hasSources(root: string): boolean;
export declare function buildIsCurrent(root: string): boolean;

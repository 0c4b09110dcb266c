/** Types of scripts/build-if-changed.mjs for the tests. */
export declare const BUILD_INPUTS: readonly string[];
export declare const BUILD_OUTPUTS: readonly string[];
export declare function sourceHash(root: string): string;
export declare function whyBuild(root: string): string | null;
export declare function recordBuild(root: string): void;

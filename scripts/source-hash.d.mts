export declare const ROOT: string;
export declare function sourceHash(root?: string): string;

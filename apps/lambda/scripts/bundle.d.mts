import type { Metafile } from 'esbuild';

export declare const outfile: string;
export declare function bundle(options?: {
  quiet?: boolean;
}): Promise<{ outfile: string; size: number; metafile: Metafile }>;

/**
 * Configuration in pieces. Each package that an app composes (HTTP, auth, limits, Redis,
 * sessions, metrics, the MCP server itself) declares the variables it reads and the startup
 * refusals that go with them, next to its code; an app lists the pieces it uses and gets one
 * schema, read once, every problem reported at once.
 */
import { z } from 'zod';
import { baseConfigSchema } from './fields.js';

/** Reports one startup problem against a variable. */
export type Problem = (variable: string, message: string) => void;

export interface ConfigPiece<S extends z.ZodRawShape = z.ZodRawShape> {
  /** The variables this piece reads, with their defaults. */
  readonly shape: S;
  /**
   * Refusals that look at the whole configuration (a piece may read what another piece
   * defines, e.g. auth reads HOST): called once the fields themselves are valid.
   */
  // Method syntax on purpose: a piece's refusal reads its own typed fields, and the composed
  // schema hands it the whole configuration.
  refine?(
    config: z.output<z.ZodObject<S>> & Readonly<Record<string, unknown>>,
    problem: Problem,
  ): void;
}

// biome-ignore lint/suspicious/noExplicitAny: any piece, whatever its variables.
type AnyPiece = ConfigPiece<any>;

/** Declares a piece: its variables and, optionally, its startup refusals. */
export function configPiece<S extends z.ZodRawShape>(
  shape: S,
  refine?: ConfigPiece<S>['refine'],
): ConfigPiece<S> {
  return refine ? { shape, refine } : { shape };
}

type ShapeOf<P> = P extends ConfigPiece<infer S> ? S : never;
/** Later pieces win where two define the same variable (an app's own PORT default). */
type Merge<P extends readonly AnyPiece[]> = P extends readonly [
  infer Head,
  ...infer Tail extends readonly AnyPiece[],
]
  ? Omit<ShapeOf<Head>, keyof Merge<Tail>> & Merge<Tail>
  : unknown;

export type ComposedShape<P extends readonly AnyPiece[]> = Omit<
  typeof baseConfigSchema.shape,
  keyof Merge<P>
> &
  Merge<P>;

export type ComposedSchema<P extends readonly AnyPiece[]> = {
  [K in keyof ComposedShape<P>]: ComposedShape<P>[K];
} extends infer S extends z.ZodRawShape
  ? z.ZodObject<S>
  : never;

/**
 * One schema from the base variables (NODE_ENV, LOG_LEVEL, LOG_FORMAT) and the given pieces,
 * in order; a later piece may redefine an earlier one's variable (a different default).
 */
export function composeConfig<const P extends readonly AnyPiece[]>(
  ...pieces: P
): ComposedSchema<P> {
  const shape: z.ZodRawShape = { ...baseConfigSchema.shape };
  for (const piece of pieces) Object.assign(shape, piece.shape);
  const refinements = pieces.flatMap((piece) => (piece.refine ? [piece.refine] : []));
  const schema = z.object(shape).superRefine((config, ctx) => {
    const problem: Problem = (variable, message) =>
      ctx.addIssue({ code: 'custom', path: [variable], message });
    for (const refine of refinements) refine(config as never, problem);
  });
  return schema as never;
}

/**
 * The Redis circuit breakers (@mcp-runway/redis, one per connection), read when Prometheus
 * scrapes: which state each is in, how often they changed, how many calls they refused. The
 * shape is written out here, so this package does not depend on @mcp-runway/redis.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export type CircuitStateLabel = 'closed' | 'open' | 'half-open';
export const CIRCUIT_STATES: readonly CircuitStateLabel[] = ['closed', 'open', 'half-open'];

/** A @mcp-runway/redis `RedisCircuit` (`client.circuit`, `circuitOf(client)`) fits. */
export interface RedisCircuitSource {
  readonly stats: {
    readonly state: CircuitStateLabel;
    readonly transitions: Readonly<Record<CircuitStateLabel, number>>;
    readonly rejected: number;
  };
}

/** The counters grow by what each circuit's totals grew since the last scrape. */
function grown(): (source: object, total: number) => number {
  const last = new WeakMap<object, number>();
  return (source, total) => {
    const before = last.get(source) ?? 0;
    last.set(source, total);
    return Math.max(0, total - before);
  };
}

export function watchCircuits(registers: Registry[]): (source: RedisCircuitSource) => () => void {
  const circuits = new Set<RedisCircuitSource>();
  new Gauge({
    name: 'mcp_redis_circuit_state',
    help: 'Redis connections whose circuit breaker is in each state; open and half-open mean Redis calls fail fast and shared state falls back.',
    labelNames: ['state'] as const,
    registers,
    collect() {
      for (const state of CIRCUIT_STATES) {
        this.set({ state }, [...circuits].filter((c) => c.stats.state === state).length);
      }
    },
  });
  const transitions = new Map(CIRCUIT_STATES.map((state) => [state, grown()]));
  new Counter({
    name: 'mcp_redis_circuit_transitions_total',
    help: 'Redis circuit breaker transitions, by the state entered.',
    labelNames: ['to'] as const,
    registers,
    collect() {
      for (const [to, grew] of transitions) {
        let delta = 0;
        for (const circuit of circuits) delta += grew(circuit, circuit.stats.transitions[to]);
        this.inc({ to }, delta);
      }
    },
  });
  const refusals = grown();
  new Counter({
    name: 'mcp_redis_circuit_rejected_total',
    help: 'Redis calls refused at once, without reaching Redis, while a circuit was not closed.',
    registers,
    collect() {
      let delta = 0;
      for (const circuit of circuits) delta += refusals(circuit, circuit.stats.rejected);
      this.inc(delta);
    },
  });
  return (source) => {
    circuits.add(source);
    return () => {
      circuits.delete(source);
    };
  };
}

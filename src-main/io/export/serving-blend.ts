/**
 * A blend's serving model (issue 12 item 4): one graph in which each member's own scoring
 * (serving-model.ts factorsServed, serving-network.ts networkServed) reads the same looked-up
 * ids, and the members' scores are combined with the blend's weights (Mul, Add) — the weighted
 * mean the app judged the blend by. The members may be different kinds of model; they must
 * answer for the same users and items (the same sheet), or the one id lookup would give one
 * member another member's rows. Each member's initializers are named m1_…, m2_… in order.
 */
import { type Value, ops } from '../../engine/graph/index.ts';
import type { Scoring, Served } from './serving-model.ts';

export interface BlendedMember {
  served: Served;
  weight: number;
}

export function blendServed(members: readonly BlendedMember[]): Served {
  if (members.length === 0) throw new Error('a blend serving model needs at least one member');
  const [{ served: first }] = members;
  members.forEach(({ served, weight }, m) => {
    if (served.users !== first.users || served.items !== first.items) {
      throw new Error(`blend member ${m + 1} answers for ${served.users} users and ${served.items} items, member 1 for ${first.users} and ${first.items}: blend runs of one sheet`);
    }
    if (!Number.isFinite(weight)) throw new Error(`blend member ${m + 1} has weight ${weight}`);
  });
  const unknown = [...new Set(members.map((m) => m.served.unknownIds))];
  return {
    users: first.users,
    items: first.items,
    unknownIds: `each member's score blended; ${unknown.join('; ')}`,
    scoring(g) {
      const scope = (m: number) => `m${m + 1}_`;
      const scorings = members.map((m, i) => g.scoped(scope(i), () => m.served.scoring(g)));
      const mixed = (score: (s: Scoring) => Value): Value =>
        members.map((m, i) => ops.mul(g.scoped(scope(i), () => score(scorings[i])), m.weight)).reduce((sum, x) => ops.add(sum, x));
      return {
        all: (user) => mixed((s) => s.all(user)),
        pairs: (pu, pi) => mixed((s) => s.pairs(pu, pi)),
      };
    },
  };
}

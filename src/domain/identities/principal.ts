/** Who acts on RAM: the account itself (a root key) or one of its RAM users (`Tenant.principal`). */
import type { Principal, Tenant } from '../tenant.js';

export const rootPrincipal: Principal = { kind: 'root' };

/**
 * The principal a RAM change is made by. A tenant without one is not a signed caller (the CLI, a
 * job): it acts for the account itself, as root.
 */
export const principalOf = (tenant: Tenant): Principal => tenant.principal ?? rootPrincipal;

/**
 * RAM authorization of every call (spec/ram.md §5, §8): the root identity is never evaluated; a RAM
 * user's call is evaluated against the default versions of the policies attached to it and to its
 * groups, before the action's parameters are checked or anything it names is looked up.
 *
 * Policies are compiled once per change, not per request: each user's compiled set is kept with the
 * account's authorization revision it was built at, and the revision (read with the AccessKey, in
 * the same query) moves in the transaction of every change that can alter a decision. A change is
 * therefore in force on the very next call, on every instance sharing the database.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { ApiError } from '../errors.js';
import type { Principal, Tenant } from '../tenant.js';
import type { Clock } from '../time.js';
import { type CompiledPolicySet, type Decision, authorize, compilePolicySet } from './evaluator.js';
import { parsePolicyDocument } from './policy-document.js';

/** Where the policies in force for a user come from: the default version of each, as stored. */
export interface PolicySource {
  policiesInForce(accountId: string, userId: string): Promise<readonly string[]>;
}

/** How an action declares its resources (see the products' declarations). */
export type ResourceDeclaration<C> = ((context: C) => readonly string[] | Promise<readonly string[]>) | 'public' | undefined;

export interface AuthorizationInput<C> {
  tenant: Tenant;
  principal: Principal;
  /** The account's authorization revision, as read with the caller's AccessKey. */
  revision: number;
  /** `<ram code>:<ActionName>`. */
  action: string;
  resources: ResourceDeclaration<C>;
  resourceContext: C;
  /** What the request's global condition keys are read from. */
  request: { sourceIp: string; secureTransport: boolean };
}

interface CachedSet {
  revision: number;
  set: CompiledPolicySet;
}

/** Compiled sets kept at most; past it the oldest are dropped (they are rebuilt on their next call). */
const maxCachedUsers = 10_000;

export class Authorizer {
  private readonly compiled = new Map<string, CachedSet>();
  /** Encrypts the diagnostic of a denial: opaque to the caller, never policy text in clear. */
  private readonly diagnosticKey = randomBytes(32);

  constructor(
    private readonly policies: PolicySource,
    private readonly clock: Clock,
  ) {}

  /** Returns when the call may run; throws the NoPermission denial otherwise. */
  async authorize<C>(input: AuthorizationInput<C>): Promise<void> {
    const { principal } = input;
    if (principal.kind === 'root' || input.resources === 'public') return;
    // An action with no row in the authorization table is refused to every RAM user (fail closed).
    if (input.resources === undefined) {
      throw this.denial(input, principal, { effect: 'ImplicitDeny', resource: '*' });
    }
    const set = await this.policySet(input.tenant.accountId, principal.userId, input.revision);
    const resources = await input.resources(input.resourceContext);
    const decision = authorize(set, {
      action: input.action,
      resources,
      context: {
        currentTime: this.clock(),
        sourceIp: input.request.sourceIp,
        secureTransport: input.request.secureTransport,
        mfaPresent: false,
      },
    });
    if (decision.effect !== 'Allow') throw this.denial(input, principal, decision);
  }

  private async policySet(accountId: string, userId: string, revision: number): Promise<CompiledPolicySet> {
    const cached = this.compiled.get(userId);
    if (cached !== undefined && cached.revision === revision) return cached.set;
    const documents = await this.policies.policiesInForce(accountId, userId);
    const set = compilePolicySet(documents.map(parsePolicyDocument));
    if (this.compiled.size >= maxCachedUsers) this.compiled.delete(this.compiled.keys().next().value!);
    this.compiled.delete(userId);
    this.compiled.set(userId, { revision, set });
    return set;
  }

  private denial<C>(
    input: AuthorizationInput<C>,
    principal: Extract<Principal, { kind: 'user' }>,
    decision: Exclude<Decision, { effect: 'Allow' }>,
  ): ApiError {
    return new ApiError(
      'NoPermission',
      {},
      {
        message: `You are not authorized to do this action. Resource: ${decision.resource} Action: ${input.action}`,
        fields: {
          AccessDeniedDetail: {
            PolicyType: 'AccountLevelIdentityBasedPolicy',
            AuthPrincipalOwnerId: input.tenant.accountId,
            EncodedDiagnosticMessage: this.encodeDiagnostic(input, decision),
            AuthPrincipalType: 'SubUser',
            AuthPrincipalDisplayName: principal.userId,
            NoPermissionType: decision.effect,
            AuthAction: input.action,
          },
        },
      },
    );
  }

  /** AES-256-GCM under a key only this process holds: an opaque reference, readable by nobody else. */
  private encodeDiagnostic<C>(input: AuthorizationInput<C>, decision: Exclude<Decision, { effect: 'Allow' }>): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.diagnosticKey, iv);
    const plain = JSON.stringify({ action: input.action, resource: decision.resource, effect: decision.effect, requestId: input.tenant.requestId });
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
  }
}

import { randomUUID } from 'node:crypto';
import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';

/**
 * A chaincode that breaks Fabric's determinism rule on purpose: every simulation writes and
 * returns a fresh random value, so two organisations' endorsements of one proposal never agree.
 * For the network's tests of the gateway's endorsement-mismatch error.
 */
@Info({ title: 'nondeterministic', description: 'non-deterministic test fixture' })
export class NondeterministicContract extends Contract {
  constructor() {
    super('nondeterministic');
  }

  /** Writes a random value under `key` and returns it. */
  @Transaction()
  @Returns('string')
  async roll(ctx: Context, key: string): Promise<string> {
    const value = randomUUID();
    await ctx.stub.putState(key, Buffer.from(value));
    return value;
  }

  /** A deterministic write beside it, to show the same chaincode endorses normally otherwise. */
  @Transaction()
  async put(ctx: Context, key: string, value: string): Promise<void> {
    await ctx.stub.putState(key, Buffer.from(value));
  }
}

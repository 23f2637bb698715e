/**
 * The channel's identity deserializer over the MSP registry: unknown MSP → "creator org unknown",
 * certificate not from the org's CA → invalid, signature checked low-S.
 */
import { MspRegistry, deserializeIdentity } from '../msp/registry';
import type { ChannelIdentity, IdentityDeserializer } from './ports';

/** Adapts an {@link MspRegistry} to fab's IdentityDeserializer shape. */
export function channelDeserializer(registry: MspRegistry): IdentityDeserializer {
  const known = new Set(registry.mspIds);
  return {
    deserializeIdentity(serialized: Uint8Array): ChannelIdentity {
      const mspId = registry.peek(serialized)?.mspId ?? deserializeIdentity(serialized).mspId;
      if (!known.has(mspId)) {
        throw new Error(`MSP ${mspId} is not defined on channel`);
      }
      return {
        mspId,
        validate: () => {
          registry.identify(serialized);
        },
        verify: (message, signature) => {
          try {
            registry.verify(serialized, message, signature);
            return true;
          } catch {
            return false;
          }
        },
        nodeOU: () => registry.identify(serialized).ou,
      };
    },
  };
}

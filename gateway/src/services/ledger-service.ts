/** What the use-case classes hold: the ledger port they call, and for provenance the ledger's block index. */
import type { LedgerPort } from '../ports/ledger';
import type { BlockNumberIndex } from '../ports/ledger-blocks';

/** A use-case class over the ledger port. */
export abstract class LedgerService {
  protected readonly ledger: LedgerPort;
  constructor(ledger: LedgerPort) {
    this.ledger = ledger;
  }
}

/** A use-case class that also adds block numbers to the events it answers. */
export abstract class LedgerBlocksService extends LedgerService {
  protected readonly blocks: BlockNumberIndex | undefined;
  /** @param blocks - the ledger's index of transactions to blocks; without it answers carry no block numbers. */
  constructor(ledger: LedgerPort, blocks?: BlockNumberIndex) {
    super(ledger);
    this.blocks = blocks;
  }
}

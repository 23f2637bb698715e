import { expect } from './chai.test';
import { describeLink, isLinkNumber, LINKS, linkByNumber, linkFromName } from './links';

describe('links', () => {
  it('has the 12 links of domain.md in order with phase and CBV bizStep', () => {
    expect(LINKS.map((l) => l.number)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(LINKS.map((l) => l.name)).to.deep.equal([
      'raw-material-sourcing', 'component-processing', 'manufacturing', 'quality-inspection', 'packaging',
      'origin-warehousing', 'inland-transport', 'export-clearance', 'port-of-loading', 'international-transit',
      'us-port-of-entry', 'us-distribution',
    ]);
    expect(LINKS.map((l) => l.phase)).to.deep.equal([
      'production', 'production', 'production', 'production', 'production', 'storage',
      'transport', 'transport', 'transport', 'transport', 'transport', 'storage',
    ]);
    expect(LINKS.map((l) => l.bizStep)).to.deep.equal([
      'commissioning', 'transforming', 'assembling', 'inspecting', 'packing', 'storing',
      'transporting', 'departing', 'loading', 'transporting', 'arriving', 'receiving',
    ]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(LINKS)).to.equal(true);
    expect(Object.isFrozen(LINKS[0])).to.equal(true);
  });

  it('finds links by name (case-insensitive) and number', () => {
    expect(linkFromName('Manufacturing')?.number).to.equal(3);
    expect(linkFromName(' us-distribution ')?.number).to.equal(12);
    expect(linkFromName('teleportation')).to.equal(undefined);
    expect(linkByNumber(7).name).to.equal('inland-transport');
    expect(() => linkByNumber(13)).to.throw(RangeError);
    expect(() => linkByNumber(0)).to.throw(RangeError);
  });

  it('recognises link numbers', () => {
    expect(isLinkNumber(1)).to.equal(true);
    expect(isLinkNumber(12)).to.equal(true);
    for (const bad of [0, 13, 1.5, '3', null, undefined, NaN]) expect(isLinkNumber(bad)).to.equal(false);
  });

  it('describes links for messages', () => {
    expect(describeLink(3)).to.equal('3 (manufacturing)');
    expect(describeLink(99)).to.equal('99');
  });
});

/**
 * High-priority sectors for UFLPA enforcement, from HTS headings. The sectors are the ones the
 * Forced Labor Enforcement Task Force (DHS) names in the UFLPA Strategy and its updates:
 * - "Strategy to Prevent the Importation of Goods Mined, Produced, or Manufactured with Forced Labor
 *   in the People's Republic of China", DHS/FLETF, 17 June 2022: apparel, cotton and cotton products,
 *   silica-based products (including polysilicon), tomatoes and downstream products;
 * - 2024 update (9 July 2024): aluminum, polyvinyl chloride (PVC), seafood;
 * - 2025 update (August 2025): steel, copper, lithium, caustic soda, red dates (jujubes).
 * The HTS headings for each sector are acetrace's reading of the Harmonized Tariff Schedule of the
 * United States (USITC, hts.usitc.gov) chapter and heading texts; operators may replace the table.
 * A code matches an entry when its digits start with the entry's prefix (chapter, heading or subheading).
 */

export const HIGH_PRIORITY_SECTORS = [
  'apparel', 'cotton', 'tomatoes', 'polysilicon', 'aluminum', 'pvc', 'seafood', 'steel', 'copper', 'lithium', 'caustic-soda', 'red-dates',
] as const;
export type HighPrioritySector = (typeof HIGH_PRIORITY_SECTORS)[number];

/** One row of the table: HTS digits prefix → sector, and what the prefix covers. */
export interface SectorHeading {
  prefix: string;
  sector: HighPrioritySector;
  covers: string;
}

export const SECTOR_HEADINGS: readonly SectorHeading[] = Object.freeze([
  { prefix: '61', sector: 'apparel', covers: 'ch. 61 apparel, knitted or crocheted' },
  { prefix: '62', sector: 'apparel', covers: 'ch. 62 apparel, not knitted' },
  { prefix: '52', sector: 'cotton', covers: 'ch. 52 cotton (fibre, yarn, woven fabrics)' },
  { prefix: '140420', sector: 'cotton', covers: '1404.20 cotton linters' },
  { prefix: '6302', sector: 'cotton', covers: '6302 bed, table, toilet and kitchen linen' },
  { prefix: '0702', sector: 'tomatoes', covers: '0702 tomatoes, fresh or chilled' },
  { prefix: '2002', sector: 'tomatoes', covers: '2002 tomatoes prepared or preserved (paste, purée)' },
  { prefix: '210320', sector: 'tomatoes', covers: '2103.20 tomato ketchup and other tomato sauces' },
  { prefix: '280461', sector: 'polysilicon', covers: '2804.61 silicon, ≥ 99.99 % Si (polysilicon)' },
  { prefix: '3818', sector: 'polysilicon', covers: '3818 doped silicon wafers for electronics' },
  { prefix: '854142', sector: 'polysilicon', covers: '8541.42 photovoltaic cells not assembled in modules' },
  { prefix: '854143', sector: 'polysilicon', covers: '8541.43 photovoltaic cells assembled in modules or panels' },
  { prefix: '76', sector: 'aluminum', covers: 'ch. 76 aluminum and articles thereof' },
  { prefix: '3904', sector: 'pvc', covers: '3904 polymers of vinyl chloride (PVC), primary forms' },
  { prefix: '03', sector: 'seafood', covers: 'ch. 3 fish, crustaceans, molluscs' },
  { prefix: '1604', sector: 'seafood', covers: '1604 prepared or preserved fish' },
  { prefix: '1605', sector: 'seafood', covers: '1605 prepared or preserved crustaceans and molluscs' },
  { prefix: '72', sector: 'steel', covers: 'ch. 72 iron and steel' },
  { prefix: '73', sector: 'steel', covers: 'ch. 73 articles of iron or steel' },
  { prefix: '74', sector: 'copper', covers: 'ch. 74 copper and articles thereof' },
  { prefix: '282520', sector: 'lithium', covers: '2825.20 lithium oxide and hydroxide' },
  { prefix: '283691', sector: 'lithium', covers: '2836.91 lithium carbonates' },
  { prefix: '850760', sector: 'lithium', covers: '8507.60 lithium-ion accumulators' },
  { prefix: '281511', sector: 'caustic-soda', covers: '2815.11 sodium hydroxide, solid' },
  { prefix: '281512', sector: 'caustic-soda', covers: '2815.12 sodium hydroxide in aqueous solution' },
  { prefix: '081340', sector: 'red-dates', covers: '0813.40 other dried fruit (jujubes, red dates)' },
].map((h) => Object.freeze(h as SectorHeading)));

/** The table rows an HTS code falls under (any spelling: dots ignored), most specific first. */
export function sectorsOf(htsCode: string, table: readonly SectorHeading[] = SECTOR_HEADINGS): SectorHeading[] {
  const digits = htsCode.replace(/\D/g, '');
  return table.filter((h) => digits.startsWith(h.prefix)).sort((a, b) => b.prefix.length - a.prefix.length);
}

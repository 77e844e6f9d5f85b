/**
 * The demo retailer: its locations, marketplace partners and catalogue. Fixed data, so demos,
 * docs and tests can cite `loc_store_nyc` or `SKU-FTW-003` and mean the same thing everywhere.
 * Prices are integer minor units of USD.
 */

/** Kinds of location: stores sell over the counter and take returns; warehouses ship and inspect. */
export type LocationKind = 'STORE' | 'WAREHOUSE';

/** A physical location of the demo retailer. */
export interface DemoLocation {
  id: string;
  name: string;
  kind: LocationKind;
  city: string;
}

/** Four stores and the warehouse that ships online orders and inspects returns. */
export const DEMO_LOCATIONS: readonly DemoLocation[] = [
  { id: 'loc_store_nyc', name: 'New York SoHo', kind: 'STORE', city: 'New York' },
  { id: 'loc_store_sfo', name: 'San Francisco Union Square', kind: 'STORE', city: 'San Francisco' },
  { id: 'loc_store_chi', name: 'Chicago Magnificent Mile', kind: 'STORE', city: 'Chicago' },
  { id: 'loc_store_aus', name: 'Austin South Congress', kind: 'STORE', city: 'Austin' },
  { id: 'loc_wh_nj', name: 'New Jersey Fulfilment Center', kind: 'WAREHOUSE', city: 'Edison' },
];

/** The stores only (POS orders are sold in one). */
export const DEMO_STORES: readonly DemoLocation[] = DEMO_LOCATIONS.filter((location) => location.kind === 'STORE');

/** The warehouse that fulfils shipped orders. */
export const DEMO_WAREHOUSE_ID = 'loc_wh_nj';

/** A marketplace that sells the retailer's goods and reports orders back. */
export interface DemoMarketplacePartner {
  id: string;
  name: string;
}

/** Two partner marketplaces. */
export const DEMO_MARKETPLACE_PARTNERS: readonly DemoMarketplacePartner[] = [
  { id: 'mkp_demo_a', name: 'Demo Marketplace A' },
  { id: 'mkp_demo_b', name: 'Demo Marketplace B' },
];

/** Product categories; return policy may differ per category. */
export const DEMO_CATEGORIES = ['apparel', 'footwear', 'electronics', 'home', 'beauty'] as const;
/** One of `DEMO_CATEGORIES`. */
export type DemoCategory = (typeof DEMO_CATEGORIES)[number];

/** A sellable product. */
export interface DemoProduct {
  sku: string;
  title: string;
  category: DemoCategory;
  /** Unit price in USD cents. */
  priceMinor: number;
  /** Sold as final sale: not returnable. */
  finalSale: boolean;
}

/** Short codes in the sku per category, e.g. `SKU-FTW-003`. */
const SKU_CODE: Record<DemoCategory, string> = { apparel: 'APP', footwear: 'FTW', electronics: 'ELE', home: 'HOM', beauty: 'BEA' };

/** [title, price in cents, final sale] per category, ten each. */
const PRODUCTS: Record<DemoCategory, readonly [string, number, boolean][]> = {
  apparel: [
    ['Organic Cotton T-Shirt', 2400, false],
    ['Slim Fit Chinos', 5900, false],
    ['Merino Crew Sweater', 8900, false],
    ['Rain Shell Jacket', 12900, false],
    ['Linen Button-Down Shirt', 6400, false],
    ['Fleece Hoodie', 5400, false],
    ['Denim Jacket', 9800, false],
    ['Wool Beanie', 2200, true],
    ['Athletic Shorts', 3400, false],
    ['Sample Sale Blazer', 7900, true],
  ],
  footwear: [
    ['Everyday Runner', 11900, false],
    ['Leather Chelsea Boot', 18900, false],
    ['Canvas Low-Top Sneaker', 6500, false],
    ['Trail Hiking Shoe', 14500, false],
    ['Suede Loafer', 13500, false],
    ['Slide Sandal', 3900, false],
    ['Waterproof Winter Boot', 17900, false],
    ['Court Sneaker', 8900, false],
    ['Running Socks 3-Pack', 1800, true],
    ['Clearance Espadrille', 2900, true],
  ],
  electronics: [
    ['Wireless Earbuds', 12900, false],
    ['Noise-Cancelling Headphones', 29900, false],
    ['Bluetooth Speaker', 7900, false],
    ['USB-C Charger 65W', 4900, false],
    ['Smart Fitness Band', 9900, false],
    ['Portable Power Bank', 3900, false],
    ['4K Action Camera', 24900, false],
    ['Mechanical Keyboard', 11900, false],
    ['Wireless Mouse', 3900, false],
    ['Open-Box Tablet', 19900, true],
  ],
  home: [
    ['Ceramic Pour-Over Set', 4500, false],
    ['Linen Duvet Cover', 15900, false],
    ['Cast Iron Skillet', 3900, false],
    ['Wool Throw Blanket', 8900, false],
    ['Scented Soy Candle', 2800, false],
    ['Bath Towel Set', 5900, false],
    ['Stoneware Dinner Plates (4)', 6400, false],
    ['Chef Knife 8in', 9900, false],
    ['Glass Storage Jars (3)', 3200, false],
    ['Floor Model Lamp', 7400, true],
  ],
  beauty: [
    ['Hydrating Face Serum', 4200, false],
    ['Mineral Sunscreen SPF 50', 2600, false],
    ['Vitamin C Cream', 3800, false],
    ['Clay Face Mask', 2400, false],
    ['Argan Hair Oil', 2900, false],
    ['Lip Balm Trio', 1400, true],
    ['Eau de Parfum 50ml', 8900, true],
    ['Gentle Cleanser', 2200, false],
    ['Retinol Night Cream', 5600, false],
    ['Bamboo Hair Brush', 1900, false],
  ],
};

/** The catalogue: 50 products, ten per category. */
export const DEMO_PRODUCTS: readonly DemoProduct[] = DEMO_CATEGORIES.flatMap((category) =>
  PRODUCTS[category].map(([title, priceMinor, finalSale], index) => ({
    sku: `SKU-${SKU_CODE[category]}-${String(index + 1).padStart(3, '0')}`,
    title,
    category,
    priceMinor,
    finalSale,
  })),
);

/** The product with this sku; throws for an unknown one, which in demo code is a typo. */
export function demoProduct(sku: string): DemoProduct {
  const product = DEMO_PRODUCTS.find((candidate) => candidate.sku === sku);
  if (!product) throw new Error(`No demo product with sku "${sku}"; skus look like SKU-APP-001`);
  return product;
}

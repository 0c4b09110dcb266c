export const CUSTOMER_TIERS = ['gold', 'silver', 'standard'] as const;
export type CustomerTier = (typeof CUSTOMER_TIERS)[number];

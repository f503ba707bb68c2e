/**
 * The offers of help a review pack carries for each concern, as the improvement directory gives them:
 * published entries first, nearest peers first, then candidates marked as such.
 */
export { nearnessLabels, type OfferOfHelp, offersOfHelp } from '../directory/offers.ts';

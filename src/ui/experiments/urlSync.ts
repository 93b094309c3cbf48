/** The page's own URL, read once at start-up (the store and the experiments panel share it). */
import { decodeUrlState, type DecodedUrl } from '../state/url';

let first: DecodedUrl | null = null;

/** The setup in the address bar when the page opened (decoded once). */
export function readPageUrl(): DecodedUrl {
  first ??= decodeUrlState(globalThis.location?.hash ?? '');
  return first;
}

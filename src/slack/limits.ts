// Slack's Block Kit limits (see shared/reference/slack.md); builders stay inside them.
export const MAX_BLOCKS = 50;
export const MAX_SECTION_TEXT = 3000;
export const MAX_FIELDS = 10;
export const MAX_FIELD_TEXT = 2000;
export const MAX_HEADER_TEXT = 150;
export const MAX_CONTEXT_ELEMENTS = 10;
export const MAX_FALLBACK_TEXT = 3000;

/**
 * Shortens text to at most `max` UTF-16 units (Slack counts those), ending with "…". Never cuts a
 * surrogate pair or an escaped entity (`&amp;`) in half: either would show as garbage.
 */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max - 1;
  const low = s.charCodeAt(cut);
  if (low >= 0xdc00 && low <= 0xdfff) cut -= 1;
  const amp = s.lastIndexOf('&', cut - 1);
  if (amp >= 0 && /^&(amp|lt|gt);/.test(s.slice(amp)) && s.indexOf(';', amp) >= cut) cut = amp;
  return `${s.slice(0, cut)}…`;
}

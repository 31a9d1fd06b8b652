/**
 * The one way a string the user (or any other person) wrote reaches an API that parses HTML:
 * Leaflet's tooltips, popups and attribution set a string as innerHTML, and ECharts' formatter
 * functions return HTML. Lint (eslint.config.js, "HTML sinks") refuses those calls with anything
 * but a literal or the output of this module, so a case title like `<img src=…>` stays text.
 */

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** The text as HTML that shows exactly that text (OWASP XSS prevention, rule 1). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

/**
 * A text-only element for Leaflet's bindTooltip / bindPopup / setContent: Leaflet appends an
 * element as it is, where a string would be parsed as HTML. Nothing in `text` becomes markup.
 */
export function textElement(text: string): HTMLElement {
  const span = document.createElement('span');
  span.textContent = text;
  return span;
}

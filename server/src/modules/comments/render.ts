import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// The markdown subset of the SPEC: paragraphs, emphasis, inline and block code,
// links, block quotes and lists. Raw HTML is off, so `<b>` stays text.
const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true, typographer: false }).enable([
  'paragraph',
  'newline',
  'escape',
  'backticks',
  'emphasis',
  'link',
  'autolink',
  'linkify',
  'code',
  'fence',
  'blockquote',
  'list',
  'entity',
  'text',
]);

/**
 * What may survive in rendered comment HTML. Everything else is dropped:
 * scripts, styles, event handlers, iframes, images, forms, SVG/MathML.
 * Links keep only http(s) and mailto targets.
 */
export const COMMENT_HTML_ALLOW_LIST: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'em', 'strong', 'code', 'pre', 'a', 'blockquote', 'ul', 'ol', 'li'],
  allowedAttributes: { a: ['href', 'rel', 'target'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // Text inside a dropped tag is kept as text, except for these, whose content is never prose.
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'svg', 'math', 'template'],
  disallowedTagsMode: 'discard',
  transformTags: {
    // Every link is marked as user-generated and opens outside the host page.
    a: sanitizeHtml.simpleTransform('a', { rel: 'nofollow ugc noopener noreferrer', target: '_blank' }),
  },
};

/** Renders a comment body (markdown subset) to sanitized HTML. Pure. */
export function renderBody(body: string): string {
  return sanitizeHtml(md.render(body), COMMENT_HTML_ALLOW_LIST).trim();
}

/** Sanitizes HTML from elsewhere (an imported comment) with the same allow-list as rendered bodies. Pure. */
export function sanitizeCommentHtml(html: string): string {
  return sanitizeHtml(html, COMMENT_HTML_ALLOW_LIST).trim();
}

/** Counts user-perceived characters as code points, so emoji count once. */
export function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

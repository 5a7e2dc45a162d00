/**
 * The little XML the stand-in writes and reads, by hand (no XML library in src):
 * - awsQuery (IAM) and REST-XML (S3) response bodies: nested elements, lists as repeated `<member>`
 *   children (awsQuery's default list encoding), timestamps as ISO-8601 (`date-time`), text escaped.
 * - the flat boolean documents S3 accepts, such as `PublicAccessBlockConfiguration`.
 */

/** A value `element` can render: objects become child elements, arrays `<member>` lists. */
export type XmlValue =
  string | number | boolean | Date | undefined | XmlValue[] | { [name: string]: XmlValue };

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<name>value</name>`; undefined values are left out entirely, like absent optional members. */
export function element(name: string, value: XmlValue, attributes = ''): string {
  if (value === undefined) return '';
  const open = attributes === '' ? `<${name}>` : `<${name} ${attributes}>`;
  return `${open}${content(value)}</${name}>`;
}

function content(value: XmlValue): string {
  if (value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => element('member', item)).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .map(([name, child]) => element(name, child))
      .join('');
  }
  return escapeXml(String(value));
}

/** Text of the first `<tag>` in a document, unescaped; undefined when absent. */
export function readXmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`).exec(xml);
  if (!match) return undefined;
  return (match[1] ?? '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** A boolean element as S3 parses it: `true`/`false` (case-insensitive); absent means false. */
export function readXmlBoolean(xml: string, tag: string): boolean {
  return readXmlText(xml, tag)?.trim().toLowerCase() === 'true';
}

import type { UserEdits } from './asset-record.ts';

/**
 * Read and write the XMP fields that carry a user's edits, in the layout digiKam,
 * Lightroom and Immich read: xmp:Rating, dc:description (x-default), dc:subject (keywords)
 * and lr:hierarchicalSubject `Albums|<name>` for albums (as digiKam writes them).
 */
function unescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function listItems(xml: string, tag: string): string[] | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  if (!m?.[1]) return undefined;
  return [...m[1].matchAll(/<rdf:li(?:\s[^>]*)?>([\s\S]*?)<\/rdf:li>/g)].map((x) =>
    unescape((x[1] ?? '').trim()),
  );
}

function simple(xml: string, tag: string): string | undefined {
  const attr = new RegExp(`${tag}="([^"]*)"`).exec(xml);
  if (attr) return unescape(attr[1] ?? '');
  const el = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return el ? unescape(el[1] ?? '') : undefined;
}

export interface SidecarData extends UserEdits {
  /** xmp:CreateDate / exif:DateTimeOriginal as written (ISO 8601). */
  date?: string;
}

export function parseXmp(xml: string): SidecarData {
  const out: SidecarData = {};
  const rating = simple(xml, 'xmp:Rating');
  if (rating !== undefined && /^-?\d+$/.test(rating)) out.rating = Math.max(-1, Math.min(5, Number(rating)));
  const desc = listItems(xml, 'dc:description')?.[0] ?? simple(xml, 'dc:description');
  if (desc) out.description = desc;
  const tags = listItems(xml, 'dc:subject');
  if (tags?.length) out.tags = tags;
  const albums = (listItems(xml, 'lr:hierarchicalSubject') ?? [])
    .filter((s) => s.startsWith('Albums|'))
    .map((s) => s.slice(7));
  if (albums.length) out.albums = albums;
  const date =
    simple(xml, 'exif:DateTimeOriginal') ??
    simple(xml, 'xmp:CreateDate') ??
    simple(xml, 'photoshop:DateCreated');
  if (date) out.date = date;
  return out;
}

export function writeXmp(edits: UserEdits & { date?: string }): string {
  const bag = (items: string[]) =>
    `<rdf:Bag>${items.map((t) => `<rdf:li>${escape(t)}</rdf:li>`).join('')}</rdf:Bag>`;
  const parts: string[] = [];
  if (edits.rating !== undefined) parts.push(`   <xmp:Rating>${edits.rating}</xmp:Rating>`);
  if (edits.date) parts.push(`   <xmp:CreateDate>${escape(edits.date)}</xmp:CreateDate>`);
  if (edits.description)
    parts.push(
      `   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">${escape(edits.description)}</rdf:li></rdf:Alt></dc:description>`,
    );
  if (edits.tags?.length) parts.push(`   <dc:subject>${bag(edits.tags)}</dc:subject>`);
  if (edits.albums?.length)
    parts.push(
      `   <lr:hierarchicalSubject>${bag(edits.albums.map((a) => `Albums|${a}`))}</lr:hierarchicalSubject>`,
    );
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Hearth">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/">
${parts.join('\n')}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
`;
}

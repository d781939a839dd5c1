// pdf-parse 1.x ships no types; its lib entry skips the package index, which
// reads a sample file from disk when it believes it is run directly.
const pdfParse = require('pdf-parse/lib/pdf-parse.js') as (
  data: Uint8Array,
  options?: { pagerender?: (page: PdfPage) => Promise<string> },
) => Promise<{ numpages: number; text: string; info: Record<string, unknown> | null }>;

interface PdfPage {
  getTextContent(o?: object): Promise<{ items: { str: string }[] }>;
}

export interface PdfText {
  pages: string[];
  text: string;
  info: Record<string, unknown> | null;
}

/** Extracts the text of each page of a PDF; throws when the bytes are not a PDF. */
export async function pdfText(data: Buffer): Promise<PdfText> {
  const pages: string[] = [];
  // A copy in memory of its own: pdf.js 1.x hands its worker the view's whole
  // ArrayBuffer, and a small Buffer is a slice of Node's shared pool (which
  // pdf.js then reads from its start: "bad XRef entry").
  const parsed = await pdfParse(new Uint8Array(data), {
    pagerender: async (page) => {
      const content = await page.getTextContent();
      const text = content.items.map((i) => i.str).join('\n');
      pages.push(text);
      return text;
    },
  });
  if (pages.length !== parsed.numpages) throw new Error(`read ${pages.length} of ${parsed.numpages} pages`);
  return { pages, text: pages.join('\n'), info: parsed.info };
}

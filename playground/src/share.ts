// The program in the URL's hash, so a link reproduces it: `#example=neuron` for an example as
// shipped, `#code=…` for anything else (the text deflated, in base64url: a link stays short).

export const MAX_SHARED_CHARS = 200_000;

export type Shared = { example: string } | { code: string };

export async function toHash(shared: Shared): Promise<string> {
  if ("example" in shared) return `#example=${encodeURIComponent(shared.example)}`;
  if (shared.code.length > MAX_SHARED_CHARS) {
    throw new RangeError(`The program has ${shared.code.length.toLocaleString("en-US")} characters, more than a link can carry here (${MAX_SHARED_CHARS.toLocaleString("en-US")})`);
  }
  const bytes = await pipe(new TextEncoder().encode(shared.code), new CompressionStream("deflate-raw"));
  return `#code=${base64url(bytes)}`;
}

/** The program a hash names, or null when it names none. Throws with a clear message when the link is damaged. */
export async function fromHash(hash: string): Promise<Shared | null> {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const example = params.get("example");
  if (example !== null) return { example };
  const code = params.get("code");
  if (code === null) return null;
  let bytes: Uint8Array;
  try {
    bytes = await pipe(fromBase64url(code), new DecompressionStream("deflate-raw"), MAX_SHARED_CHARS * 4);
  } catch (error) {
    throw new Error(`This link's program cannot be read (the link may be cut short): ${(error as Error).message}`);
  }
  return { code: new TextDecoder().decode(bytes) };
}

async function pipe(input: Uint8Array, stream: CompressionStream | DecompressionStream, limit = Infinity): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  void writer
    .write(input as Uint8Array<ArrayBuffer>)
    .then(() => writer.close())
    .catch(() => {});
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      void reader.cancel();
      throw new RangeError(`more than ${limit.toLocaleString("en-US")} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("it holds characters that base64url does not use");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** Reading a dossier ZIP back, for the gateway's unit tests and the integration tests (no tests here). */
import yauzl from 'yauzl';

/** The entries of a ZIP archive, by file name. */
export function unzip(zip: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (err, file) => {
      if (err) {
        reject(err);
        return;
      }
      const out = new Map<string, Buffer>();
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (e, stream) => {
          if (e) {
            reject(e);
            return;
          }
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => {
            chunks.push(c);
          });
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            file.readEntry();
          });
        });
      });
      file.on('end', () => {
        resolve(out);
      });
      file.readEntry();
    });
  });
}

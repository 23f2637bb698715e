import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expect } from '../chai.test';
import { ReaderTableError } from '../errors';
import { toProblem } from '../http/problem';
import { ReaderTable, loadReaderTable } from './reader-table';

describe('services/reader-table', function () {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'acetrace-reader-table-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loads the reader table (array or { readers }) and treats a missing file as empty', () => {
    const file = path.join(dir, 'readers.json');
    expect(loadReaderTable(file)).to.deep.equal([]);
    fs.writeFileSync(file, JSON.stringify({ readers: [{ readerId: 'r1', link: 'port-of-loading', location: { gln: '0614141000012' }, identity: 'org1-logistics' }] }));
    expect(loadReaderTable(file)).to.deep.equal([{ readerId: 'r1', link: 9, location: { gln: '0614141000012' }, identity: 'org1-logistics' }]);
    fs.writeFileSync(file, JSON.stringify([{ readerId: 'r1', link: 13 }]));
    expect(() => loadReaderTable(file)).to.throw(ReaderTableError, /0\.link/);
  });

  it('answers an unusable reader table with a 503 problem naming the file and the problem, not a 500', () => {
    const file = path.join(dir, 'readers.json');
    const cases: Array<[string, () => void, RegExp]> = [
      [
        'not JSON',
        () => {
          fs.writeFileSync(file, '{ "readers": [ { "readerId": "r1", ');
        },
        /not valid JSON/,
      ],
      [
        'bad link',
        () => {
          fs.writeFileSync(file, JSON.stringify({ readers: [{ readerId: 'r1', link: 13 }] }));
        },
        /readers\.0\.link: /,
      ],
      [
        'bad shape',
        () => {
          fs.writeFileSync(file, JSON.stringify({ readerz: [] }));
        },
        /expected an array of \{ readerId, link/,
      ],
      ['a folder', () => {
        fs.rmSync(file, { force: true });
        fs.mkdirSync(file);
      }, /cannot be read \(EISDIR\)/],
    ];
    for (const [name, write, problem] of cases) {
      write();
      let caught: unknown;
      try {
        loadReaderTable(file);
      } catch (err) {
        caught = err;
      }
      expect(caught, name).to.be.instanceOf(ReaderTableError);
      const { body, retryAfter } = toProblem(caught);
      expect(body, name).to.include({ status: 503, code: 'READER_TABLE_INVALID', title: 'Service Unavailable', file });
      expect(body.detail, name).to.include(`the reader table ${file} is unusable: `).and.match(problem);
      expect(body.detail, name).to.not.match(/\n\s+at /);
      expect(retryAfter, name).to.be.a('number');
    }
  });

  it('reads the file once for many requests and again only after it changes', () => {
    const file = path.join(dir, 'readers.json');
    fs.writeFileSync(file, JSON.stringify([{ readerId: 'r1', link: 9 }]));
    let reads = 0;
    const table = new ReaderTable(file, {
      readFile: (f) => {
        reads += 1;
        return fs.readFileSync(f, 'utf8');
      },
    });
    for (let i = 0; i < 100; i++) expect(table.current()).to.deep.equal([{ readerId: 'r1', link: 9 }]);
    expect(reads, 'one read for 100 requests').to.equal(1);

    // same size, new content: the inode/mtime/ctime stamp changes all the same
    fs.writeFileSync(file, JSON.stringify([{ readerId: 'r2', link: 9 }]));
    for (let i = 0; i < 10; i++) expect(table.current()).to.deep.equal([{ readerId: 'r2', link: 9 }]);
    expect(reads).to.equal(2);

    // replaced by rename (how editors and config managers write), then removed: an empty table
    fs.writeFileSync(`${file}.new`, JSON.stringify({ readers: [{ readerId: 'r3', link: 'port-of-loading' }] }));
    fs.renameSync(`${file}.new`, file);
    expect(table.current()).to.deep.equal([{ readerId: 'r3', link: 9 }]);
    expect(reads).to.equal(3);
    fs.rmSync(file);
    expect(table.current()).to.deep.equal([]);
    expect(table.current()).to.deep.equal([]);
    expect(reads).to.equal(4);
  });

  it('keeps answering an unusable table with the same 503 problem until the file is fixed, reading it once', () => {
    const file = path.join(dir, 'readers.json');
    fs.writeFileSync(file, '{ "readers": [');
    let reads = 0;
    const table = new ReaderTable(file, {
      readFile: (f) => {
        reads += 1;
        return fs.readFileSync(f, 'utf8');
      },
    });
    for (let i = 0; i < 5; i++) {
      let caught: unknown;
      try {
        table.current();
      } catch (err) {
        caught = err;
      }
      expect(caught).to.be.instanceOf(ReaderTableError);
      expect(toProblem(caught).body).to.include({ status: 503, code: 'READER_TABLE_INVALID', file });
    }
    expect(reads).to.equal(1);
    fs.writeFileSync(file, JSON.stringify([{ readerId: 'r1', link: 12 }]));
    expect(table.current()).to.deep.equal([{ readerId: 'r1', link: 12 }]);
    expect(reads).to.equal(2);
  });
});

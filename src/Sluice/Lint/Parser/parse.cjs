// Sluice's bridge to PostgreSQL's own parser (libpg-query, the server's grammar compiled to WebAssembly).
// Reads a JSON array of SQL texts on stdin; writes one JSON array: per text, its statements (character offsets of
// the statement, of its code past leading comments, and of its end, plus the parse tree) or the syntax error with
// the character offset PostgreSQL reported. One process parses every script of a run.
'use strict';
const path = require('path');
const pg = require(path.join(process.argv[2], 'libpg-query'));

function charIndex(buffer, byteOffset) {
  return buffer.subarray(0, byteOffset).toString('utf8').length;
}

function skipLeading(sql, i) {
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i])) i++;
    if (sql.startsWith('--', i)) { const n = sql.indexOf('\n', i); i = n < 0 ? sql.length : n + 1; continue; }
    if (sql.startsWith('/*', i)) { const n = sql.indexOf('*/', i + 2); i = n < 0 ? sql.length : n + 2; continue; }
    return i;
  }
}

function parseOne(sql) {
  const buffer = Buffer.from(sql, 'utf8');
  let tree;
  try {
    tree = pg.parseSync(sql);
  } catch (e) {
    const position = e.sqlDetails && e.sqlDetails.cursorPosition > 0 ? e.sqlDetails.cursorPosition - 1 : 0;
    return { error: { message: e.message, offset: charIndex(buffer, Math.min(position, buffer.length)) } };
  }
  let previous = 0;
  const statements = (tree.stmts || []).map(s => {
    const startByte = s.stmt_location || 0;
    const endByte = s.stmt_len ? startByte + s.stmt_len : buffer.length;
    const start = Math.max(previous, charIndex(buffer, startByte));
    const end = charIndex(buffer, endByte);
    const code = skipLeading(sql, start);
    const lead = previous;
    previous = end;
    return { lead, code, end, stmt: s.stmt };
  });
  return { statements };
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => { input += chunk; });
process.stdin.on('end', async () => {
  if (pg.loadModule) await pg.loadModule();
  const texts = JSON.parse(input);
  process.stdout.write(JSON.stringify(texts.map(parseOne)));
});

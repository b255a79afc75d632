// Opens YAML files in the YAML language server (the one editors run: VS Code, Neovim, Emacs...)
// and prints the diagnostics it publishes for each, one "FILE<TAB>line:column message" a line
// (1-based), or "FILE<TAB>ok" when there is none. The server finds a file's schema through its
// `# yaml-language-server: $schema=...` line alone: the schema store is off and no schema is
// configured. Exit 0 once every file has its diagnostics, 1 after 60 s without them.
// Usage: node lsp-diagnostics.mjs FILE...
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const files = process.argv.slice(2).map((f) => resolve(f));
const waiting = new Map(files.map((f) => [pathToFileURL(f).href, f]));
const settings = { validate: true, schemaStore: { enable: false } };
const server = spawn(process.execPath, [
  join(here, "node_modules/yaml-language-server/bin/yaml-language-server"),
  "--stdio",
]);
server.stderr.resume();

const send = (msg) => {
  const text = JSON.stringify({ jsonrpc: "2.0", ...msg });
  server.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
};

function receive(msg) {
  if (msg.id === 1) {
    send({ method: "initialized", params: {} });
    send({ method: "workspace/didChangeConfiguration", params: { settings: { yaml: settings } } });
    for (const file of files)
      send({
        method: "textDocument/didOpen",
        params: {
          textDocument: {
            uri: pathToFileURL(file).href,
            languageId: "yaml",
            version: 1,
            text: readFileSync(file, "utf8"),
          },
        },
      });
  } else if (msg.method === "workspace/configuration") {
    send({ id: msg.id, result: msg.params.items.map(() => settings) });
  } else if (msg.method === "textDocument/publishDiagnostics") {
    const file = waiting.get(msg.params.uri);
    if (file === undefined) return;
    waiting.delete(msg.params.uri);
    for (const d of msg.params.diagnostics)
      console.log(`${file}\t${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
    if (msg.params.diagnostics.length === 0) console.log(`${file}\tok`);
    if (waiting.size === 0) {
      server.kill();
      process.exit(0);
    }
  }
}

let pending = Buffer.alloc(0);
server.stdout.on("data", (data) => {
  pending = Buffer.concat([pending, data]);
  for (;;) {
    const end = pending.indexOf("\r\n\r\n");
    if (end < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(pending.subarray(0, end).toString())[1]);
    if (pending.length < end + 4 + length) return;
    receive(JSON.parse(pending.subarray(end + 4, end + 4 + length).toString()));
    pending = pending.subarray(end + 4 + length);
  }
});

send({
  id: 1,
  method: "initialize",
  params: { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } },
});
setTimeout(() => {
  console.error(`lsp-diagnostics: no diagnostics after 60 s for ${[...waiting.values()].join(" ")}`);
  server.kill();
  process.exit(1);
}, 60000);

// A loopback server whose /redirect/<status> answers that redirect to its own /target, which counts
// what reaches it (GET /count -> {"reached": n}) and answers JSON-RPC like a node would.
import { createServer } from "node:http";

/** @returns {Promise<{ url: string, stop: () => Promise<void> }>} */
export async function startRedirectServer() {
  let reached = 0;
  let url = "";
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    const redirect = /^\/redirect\/(\d{3})/.exec(path);
    if (redirect) {
      res.writeHead(Number(redirect[1]), { location: `${url}/target` }).end();
    } else if (path.startsWith("/target")) {
      reached += 1;
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"jsonrpc":"2.0","id":1,"result":"0x7a69"}');
    } else if (path === "/count") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ reached }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", () => done(undefined)));
  url = `http://127.0.0.1:${server.address().port}`;
  return { url, stop: () => new Promise((done) => server.close(() => done(undefined))) };
}

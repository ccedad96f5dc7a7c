// A local stand-in for the remote sanctions list URLs (raw files over HTTP): a test PUTs a list's
// text at /lists/<name> and the sanctions job GETs it; `PUT /lists/<name>?status=500` makes that
// list answer HTTP 500 from then on.
import { createServer } from "node:http";

/** @returns {Promise<{ url: string, stop: () => Promise<void> }>} */
export async function startListServer() {
  /** @type {Map<string, { status: number, body: string }>} */
  const lists = new Map();
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const name = /^\/lists\/([\w.-]+)$/.exec(url.pathname)?.[1];
    if (!name) return void res.writeHead(404).end();
    if (req.method === "PUT") {
      let body = "";
      for await (const chunk of req) body += chunk;
      lists.set(name, { status: Number(url.searchParams.get("status") ?? 200), body });
      return void res.writeHead(204).end();
    }
    const list = lists.get(name);
    if (!list) return void res.writeHead(404).end();
    const type = name.endsWith(".json") ? "application/json" : "text/plain";
    res.writeHead(list.status, { "content-type": type }).end(list.status === 200 ? list.body : "unavailable");
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// A fault-injecting JSON-RPC proxy in front of a real node (anvil), for tests and benchmarks of
// failover. It forwards calls unchanged until told otherwise over its control server:
//   POST <control>/fault  {"mode": "ok"}                       forward as is
//                         {"mode": "refuse"}                   stop listening: connections are refused,
//                                                              open WebSockets are closed
//                         {"mode": "hang"}                     accept, never answer (WebSocket upgrades too)
//                         {"mode": "hang", "forward": true}    pass the calls on to the node, never answer
//                         {"mode": "latency", "ms": 300}       forward after a delay
//                         {"mode": "http", "status": 503}      answer that HTTP status
//                         {"mode": "rpc_error"}                answer JSON-RPC -32603 to every call
//                         {"mode": "lag", "blocks": 20}        act `blocks` behind the node's head
//                         {"mode": "ahead", "blocks": 1000}    claim a head and a finalized block
//                                                              `blocks` ahead of the node's (a liar)
//                         {"mode": "empty"}                    answer null ([] for eth_getLogs), except to
//                                                              eth_chainId and eth_blockNumber
//                         {"mode": "chain_id", "chainId": 1}   report another chain id
//                         {"mode": "flap", "ms": 500}          alternate ok / HTTP 503 every `ms`
//                         {"mode": "unknown_method", "allow": ["eth_chainId", "net_"]}
//                                                              answer like geth to every call of a method
//                                                              not allowed: HTTP 200, JSON-RPC -32601 "the
//                                                              method <method> does not exist/is not
//                                                              available"; pass allowed ones to the node.
//                                                              An entry ending in "_" allows a namespace;
//                                                              without "allow": eth_, net_ and web3_
//                         any of these + "methods": ["eth_getLogs"]  only requests with such a call
//                         any of these + "match": "deadbeef"   only requests with a call whose params
//                                                              (as JSON) contain that text: the calls one
//                                                              client marks, and no one else's
//   POST <control>/drop   close every open WebSocket now, both sides; new ones still work
//                         -> {"dropped": n}
//   GET  <control>/stats  {"requests": n, "calls": n, "methods": {"eth_call": n, ...},
//                          "exact": {"eth_getBlockByNumber[\"0x10\",false]": n, ...},  (method + params)
//                          "ws": {"connections": n, "open": n}}  (passed on to the node / open now)
//   POST <control>/reset  zero the counters (not ws.open)
// WebSocket upgrades are passed on as raw bytes to the node's host and port, at the target's path;
// HTTP-level modes (latency, http, rpc_error, lag, ...) leave WebSockets alone.
import { createServer } from "node:http";
import { connect } from "node:net";
import { freePort } from "./ports.mjs";

/** What the unknown_method mode allows by default: the namespaces every node serves. */
const GETH_NAMESPACES = ["eth_", "net_", "web3_"];

/** Whether `method` is in `allow`: an exact name, or a namespace given as "eth_". */
const allows = (allow, method) => allow.some((a) => (a.endsWith("_") ? method.startsWith(a) : method === a));

/** @param {{ target: string, port?: number }} options */
export async function startFaultProxy({ target, port }) {
  port ??= await freePort();
  let fault = { mode: "ok" };
  let flapSince = Date.now();
  const stats = { requests: 0, calls: 0, methods: {}, exact: {} };
  const sockets = new Set();
  /** WebSocket connections passed on to the node: { client, upstream } socket pairs. */
  const pairs = new Set();
  let wsConnections = 0;

  const forward = (body) =>
    fetch(target, { method: "POST", headers: { "content-type": "application/json" }, body }).then(
      async (r) => ({
        status: r.status,
        text: await r.text(),
      }),
    );
  const head = async () =>
    Number(JSON.parse((await forward('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber"}')).text).result);

  async function answer(body) {
    const parsed = JSON.parse(body);
    const calls = Array.isArray(parsed) ? parsed : [parsed];
    stats.calls += calls.length;
    for (const call of calls) {
      stats.methods[call.method] = (stats.methods[call.method] ?? 0) + 1;
      const exact = `${call.method}${JSON.stringify(call.params ?? [])}`;
      stats.exact[exact] = (stats.exact[exact] ?? 0) + 1;
    }
    // A fault limited to some methods leaves requests without any of them alone.
    const spared =
      (fault.methods && !calls.some((c) => fault.methods.includes(c.method))) ||
      (fault.match && !calls.some((c) => JSON.stringify(c.params ?? []).includes(fault.match)));
    const mode = spared
      ? "ok"
      : fault.mode === "flap"
        ? Math.floor((Date.now() - flapSince) / fault.ms) % 2
          ? "http"
          : "ok"
        : fault.mode;
    const reply = (items) => ({
      status: 200,
      text: JSON.stringify(Array.isArray(parsed) ? items : items[0]),
    });
    switch (mode) {
      case "hang":
        if (fault.forward) await forward(body);
        return new Promise(() => {});
      case "empty":
        return Promise.all(
          calls.map(async (c) =>
            c.method === "eth_chainId" || c.method === "eth_blockNumber"
              ? JSON.parse((await forward(JSON.stringify(c))).text)
              : { jsonrpc: "2.0", id: c.id, result: c.method === "eth_getLogs" ? [] : null },
          ),
        ).then(reply);
      case "latency":
        await new Promise((r) => setTimeout(r, fault.ms));
        return forward(body);
      case "http":
        return { status: fault.status ?? 503, text: `fault proxy: HTTP ${fault.status ?? 503}` };
      case "rpc_error":
        return reply(
          calls.map((c) => ({
            jsonrpc: "2.0",
            id: c.id,
            error: { code: -32603, message: "internal error" },
          })),
        );
      case "unknown_method":
        return Promise.all(
          calls.map(async (c) =>
            allows(fault.allow ?? GETH_NAMESPACES, c.method)
              ? JSON.parse((await forward(JSON.stringify(c))).text)
              : {
                  jsonrpc: "2.0",
                  id: c.id,
                  error: { code: -32601, message: `the method ${c.method} does not exist/is not available` },
                },
          ),
        ).then(reply);
      case "chain_id":
        if (calls.some((c) => c.method === "eth_chainId")) {
          return reply(
            calls.map((c) => ({ jsonrpc: "2.0", id: c.id, result: `0x${fault.chainId.toString(16)}` })),
          );
        }
        return forward(body);
      case "ahead": {
        const claimed = (await head()) + fault.blocks;
        const fake = (c) =>
          c.method === "eth_blockNumber"
            ? { jsonrpc: "2.0", id: c.id, result: `0x${claimed.toString(16)}` }
            : c.method === "eth_getBlockByNumber" && c.params?.[0] === "finalized"
              ? {
                  jsonrpc: "2.0",
                  id: c.id,
                  result: { number: `0x${claimed.toString(16)}`, hash: `0x${"ab".repeat(32)}` },
                }
              : undefined;
        return Promise.all(
          calls.map(async (c) => fake(c) ?? JSON.parse((await forward(JSON.stringify(c))).text)),
        ).then(reply);
      }
      case "lag": {
        const lagged = `0x${Math.max(0, (await head()) - fault.blocks).toString(16)}`;
        const rewrite = (p) => (p === "latest" || p === "pending" ? lagged : p);
        return Promise.all(
          calls.map(async (c) =>
            c.method === "eth_blockNumber"
              ? { jsonrpc: "2.0", id: c.id, result: lagged }
              : JSON.parse(
                  (
                    await forward(
                      JSON.stringify({
                        ...c,
                        params: Array.isArray(c.params) ? c.params.map(rewrite) : c.params,
                      }),
                    )
                  ).text,
                ),
          ),
        ).then(reply);
      }
      default:
        return forward(body);
    }
  }

  const data = createServer(async (req, res) => {
    stats.requests++;
    let body = "";
    for await (const chunk of req) body += chunk;
    try {
      const { status, text } = await answer(body);
      res.writeHead(status, { "content-type": "application/json" }).end(text);
    } catch (err) {
      res.writeHead(502, { "content-type": "text/plain" }).end(`fault proxy: ${err.message}`);
    }
  });
  data.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const node = new URL(target);
  data.on("upgrade", (req, client, head) => {
    // Hung: accepted but never answered; the socket stays with the others, dropped when the hang ends.
    if (fault.mode === "hang") return;
    sockets.delete(client);
    wsConnections++;
    const upstream = connect({ host: node.hostname, port: Number(node.port || 80) });
    const pair = { client, upstream };
    pairs.add(pair);
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) socket.on("error", close).on("close", close);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    let request = `${req.method} ${node.pathname}${node.search} HTTP/${req.httpVersion}\r\n`;
    for (let i = 0; i < req.rawHeaders.length; i += 2)
      request += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
    upstream.write(`${request}\r\n`);
    if (head.length) upstream.write(head);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  const drop = () => {
    const dropped = pairs.size;
    for (const { client, upstream } of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    return dropped;
  };
  const listen = () => new Promise((resolve) => data.listen(port, "127.0.0.1", resolve));
  const unlisten = () =>
    new Promise((resolve) => {
      for (const socket of sockets) socket.destroy();
      drop();
      data.close(() => resolve());
    });

  const control = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    const path = new URL(req.url, "http://x").pathname;
    if (req.method === "POST" && path === "/fault") {
      const next = JSON.parse(body);
      if (next.mode === "refuse" && data.listening) await unlisten();
      if (next.mode !== "refuse" && !data.listening) await listen();
      if (fault.mode === "hang" && next.mode !== "hang") for (const socket of sockets) socket.destroy();
      fault = next;
      flapSince = Date.now();
    } else if (req.method === "POST" && path === "/drop") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ dropped: drop() }));
      return;
    } else if (req.method === "POST" && path === "/reset") {
      Object.assign(stats, { requests: 0, calls: 0, methods: {}, exact: {} });
      wsConnections = 0;
    } else if (!(req.method === "GET" && path === "/stats")) {
      res.writeHead(404).end();
      return;
    }
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ fault, ...stats, ws: { connections: wsConnections, open: pairs.size } }));
  });

  await listen();
  const controlPort = await freePort();
  await new Promise((resolve) => control.listen(controlPort, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    stop: async () => {
      if (data.listening) await unlisten();
      await new Promise((resolve) => control.close(() => resolve()));
    },
  };
}

/**
 * @module
 * GET /docs: the API reference, rendered on the server from the OpenAPI documents the gateway
 * serves (so it says exactly what they say): for each API, its operations by tag, each with its
 * method and path, who may call it, its parameters, its body's fields and its answers; the full JSON
 * Schema of a body or answer, and its example, are one click away. No script, no third-party request.
 */
import { Layout } from "./layout";

type Json = Record<string, unknown>;
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  $ref?: string;
  description?: string;
}
interface Media {
  schema?: Schema;
  example?: unknown;
}
interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: Schema;
}
interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: Parameter[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
}
interface Document {
  info: { title: string; description: string };
  paths: Record<string, Record<string, Operation>>;
}

/** A schema in a few words: `string`, `integer or null`, `array of string`, `"a" | "b"`. */
export function typeOf(s: Schema): string {
  if (s.$ref) return s.$ref.split("/").at(-1) ?? "object";
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" or ");
  if (s.type === "array") return `array of ${s.items ? typeOf(s.items) : "any"}`;
  if (Array.isArray(s.type)) return s.type.join(" or ");
  return s.type ?? "any";
}

function Fields({ schema, caption }: { schema: Schema; caption: string }) {
  const entries = Object.entries(schema.properties ?? {});
  if (entries.length === 0) return <p class="muted">{typeOf(schema)}</p>;
  return (
    <table>
      <caption class="muted">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Type</th>
          <th scope="col">Required</th>
        </tr>
      </thead>
      <tbody>
        {entries.map(([name, field]) => (
          <tr>
            <th scope="row">
              <code>{name}</code>
            </th>
            <td>{typeOf(field)}</td>
            <td>{schema.required?.includes(name) ? "yes" : "no"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The full JSON Schema, folded. */
function Raw({ schema }: { schema: Schema }) {
  return (
    <details>
      <summary>JSON Schema</summary>
      <pre>{JSON.stringify(schema, null, 2)}</pre>
    </details>
  );
}

/** An example body or answer, folded. */
function Example({ value }: { value: unknown }) {
  if (value === undefined) return null;
  return (
    <details class="example">
      <summary>Example</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

/** One answer: its status and description, its schema (unless the shared error) and its example. */
function Answer({ status, answer }: { status: string; answer: Operation["responses"][string] }) {
  const media = answer.content?.["application/json"];
  return (
    <div class="answer">
      <p>
        <strong>{status}</strong> {answer.description}
      </p>
      {media?.schema && !media.schema.$ref ? <Raw schema={media.schema} /> : null}
      <Example value={media?.example} />
    </div>
  );
}

const accessOf = (op: Operation) => {
  const [first] = op.security;
  if (!first) return "anyone";
  const [scheme, scopes] = Object.entries(first)[0] ?? [];
  return scheme === "adminToken" ? `admin token, ${scopes?.join(", ")}` : "an API key (x-api-key)";
};

function Op({ method, path, op }: { method: string; path: string; op: Operation }) {
  const media = op.requestBody?.content["application/json"];
  const body = media?.schema;
  return (
    <section class="op" id={op.operationId} aria-labelledby={`${op.operationId}-title`}>
      <h4 id={`${op.operationId}-title`}>
        <span class={`method method-${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
      </h4>
      <p>
        {op.summary}. <span class="muted">Who: {accessOf(op)}.</span>
      </p>
      {op.description ? <p class="muted">{op.description}</p> : null}
      {op.parameters.length > 0 ? (
        <p>
          Parameters:{" "}
          {op.parameters.map((p, i) => (
            <>
              {i > 0 ? ", " : ""}
              <code>{p.name}</code> ({p.in}, {typeOf(p.schema)}
              {p.required ? ", required" : ""})
            </>
          ))}
        </p>
      ) : null}
      {body ? (
        <>
          <Fields schema={body} caption="Body (JSON)" />
          <Raw schema={body} />
          <Example value={media?.example} />
        </>
      ) : null}
      {Object.entries(op.responses).map(([status, answer]) => (
        <Answer status={status} answer={answer} />
      ))}
    </section>
  );
}

/** An API's operations grouped by tag, in the document's order. */
function Api({ doc, id }: { doc: Document; id: string }) {
  const byTag = new Map<string, [string, string, Operation][]>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = op.tags[0] ?? "Other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), [method, path, op]]);
    }
  }
  return (
    <section class="card" aria-labelledby={id}>
      <h2 id={id}>{doc.info.title}</h2>
      <p class="muted">{doc.info.description}</p>
      {[...byTag].map(([tag, ops]) => (
        <>
          <h3>{tag}</h3>
          {ops.map(([method, path, op]) => (
            <Op method={method} path={path} op={op} />
          ))}
        </>
      ))}
    </section>
  );
}

export function DocsPage({ documents }: { documents: { url: string; doc: Json }[] }) {
  return (
    <Layout title="API reference · RPC gateway">
      <header>
        <h1>API reference</h1>
        <span class="muted">
          The OpenAPI 3.1 documents:{" "}
          {documents.map(({ url }, i) => (
            <>
              {i > 0 ? ", " : ""}
              <a href={url}>{url}</a>
            </>
          ))}
        </span>
      </header>
      <main>
        {documents.map(({ doc }, i) => (
          <Api doc={doc as unknown as Document} id={`api-${i}`} />
        ))}
      </main>
    </Layout>
  );
}

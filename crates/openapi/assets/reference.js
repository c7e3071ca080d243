// latchkey's reference page: renders the OpenAPI document embedded in the
// page. DOM nodes only (no innerHTML), so the document's text is never markup.
"use strict";
(function () {
  const doc = JSON.parse(document.getElementById("openapi").textContent);
  const schemas = (doc.components && doc.components.schemas) || {};

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  // A little Markdown: paragraphs, `code` and **bold**.
  function md(text) {
    const out = document.createDocumentFragment();
    for (const para of String(text || "").split(/\n\n+/)) {
      const p = el("p");
      for (const part of para.split(/(`[^`]+`|\*\*[^*]+\*\*)/)) {
        if (part.startsWith("`") && part.endsWith("`") && part.length > 1) p.append(el("code", {}, part.slice(1, -1)));
        else if (part.startsWith("**") && part.endsWith("**") && part.length > 3) p.append(el("strong", {}, part.slice(2, -2)));
        else if (part) p.append(part);
      }
      out.append(p);
    }
    return out;
  }

  const refName = (ref) => ref.split("/").pop();
  const anchor = (s) => s.replace(/[^A-Za-z0-9]+/g, "-");

  function typeText(s) {
    if (!s) return "any";
    if (s.$ref) return refName(s.$ref);
    const alts = s.oneOf || s.anyOf;
    if (alts) return alts.map(typeText).join(" | ");
    let t = Array.isArray(s.type) ? s.type.join(" | ") : (s.type || "any");
    if (t === "array" && s.items) t = typeText(s.items) + "[]";
    if (t === "object" && s.additionalProperties && typeof s.additionalProperties === "object")
      t = "map<string, " + typeText(s.additionalProperties) + ">";
    return t;
  }

  function facts(s) {
    const out = [];
    if (!s || s.$ref) return out;
    if (s.format) out.push(s.format);
    if (s.enum) out.push("one of " + s.enum.map((v) => JSON.stringify(v)).join(", "));
    if (s.minimum !== undefined) out.push("≥ " + s.minimum);
    if (s.maximum !== undefined) out.push("≤ " + s.maximum);
    if (s.minLength !== undefined) out.push("min length " + s.minLength);
    if (s.maxLength !== undefined) out.push("max length " + s.maxLength);
    if (s.pattern) out.push("pattern " + s.pattern);
    if (s.default !== undefined) out.push("default " + JSON.stringify(s.default));
    return out;
  }

  function typeNode(s) {
    if (s && s.$ref) return el("a", { class: "type", href: "#schema-" + anchor(refName(s.$ref)) }, refName(s.$ref));
    return el("span", { class: "type" }, typeText(s));
  }

  // The properties of an object schema as a nested list (refs link to their section).
  function schemaTree(s, depth) {
    if (!s || s.$ref || depth > 6) return null;
    const alts = s.oneOf || s.anyOf;
    if (alts) {
      const inner = alts.map((a) => schemaTree(a, depth + 1)).filter(Boolean);
      return inner.length ? el("div", {}, inner) : null;
    }
    if (s.items) return schemaTree(s.items, depth + 1);
    if (!s.properties) return null;
    const required = new Set(s.required || []);
    const list = el("ul", { class: "schema" });
    for (const [name, prop] of Object.entries(s.properties)) {
      list.append(el("li", {},
        el("span", { class: "prop" }, name), " ", typeNode(prop),
        required.has(name) ? el("span", { class: "badge req" }, "required") : null,
        prop["x-server-only"] ? el("span", { class: "badge server" }, "server-only") : null,
        facts(prop).map((f) => el("span", { class: "badge" }, f)),
        prop.description ? el("div", { class: "desc" }, md(prop.description)) : null,
        schemaTree(prop, depth + 1)));
    }
    return list;
  }

  function example(title, value) {
    return el("details", {}, el("summary", {}, title), el("pre", {}, JSON.stringify(value, null, 2)));
  }

  function content(c) {
    const out = [];
    for (const [media, body] of Object.entries(c || {})) {
      out.push(el("div", {}, el("code", {}, media), " ", typeNode(body.schema)));
      const schema = body.schema && body.schema.$ref ? schemas[refName(body.schema.$ref)] : body.schema;
      const tree = schemaTree(schema, 0);
      if (tree) out.push(tree);
      if (body.example !== undefined) out.push(example("Example", body.example));
      for (const [name, ex] of Object.entries(body.examples || {}))
        out.push(example(name + (ex.summary ? ": " + ex.summary : ""), ex.value));
    }
    return out;
  }

  function security(op) {
    const alts = op.security || doc.security || [];
    if (!alts.length) return null;
    const text = alts.map((req) => Object.keys(req).join(" + ") || "none").join(" or ");
    return el("p", {}, el("strong", {}, "Auth: "), text);
  }

  function operation(path, method, op) {
    const id = "op-" + (op.operationId || anchor(method + path));
    const section = el("section", { class: "op", id },
      el("h2", {}, el("span", { class: "method " + method }, method), el("span", { class: "path" }, path),
        el("span", { class: "summary" }, op.summary || "")),
      op.description ? md(op.description) : null,
      security(op));
    if (op.parameters && op.parameters.length) {
      const table = el("table", {}, el("tr", {}, el("th", {}, "Parameter"), el("th", {}, "In"), el("th", {}, "Type"), el("th", {}, "Description")));
      for (const p of op.parameters)
        table.append(el("tr", {}, el("td", {}, el("code", {}, p.name), p.required ? el("span", { class: "badge req" }, "required") : null),
          el("td", {}, p.in), el("td", {}, typeNode(p.schema), facts(p.schema).map((f) => el("span", { class: "badge" }, f))),
          el("td", {}, md(p.description || ""))));
      section.append(el("h3", {}, "Parameters"), table);
    }
    if (op.requestBody) {
      section.append(el("h3", {}, "Request body", op.requestBody.required ? el("span", { class: "badge req" }, "required") : null),
        ...content(op.requestBody.content));
    }
    section.append(el("h3", {}, "Responses"));
    for (const [status, res] of Object.entries(op.responses || {})) {
      const ok = status.startsWith("2");
      const headers = Object.keys(res.headers || {});
      section.append(el("details", ok ? { open: "" } : {},
        el("summary", {}, el("span", { class: "status " + (ok ? "ok" : "err") }, status), " ", md(res.description).textContent),
        headers.length ? el("p", {}, "Headers: ", headers.map((h) => el("code", {}, h + " "))) : null,
        content(res.content)));
    }
    return section;
  }

  const nav = document.getElementById("nav");
  const main = document.getElementById("main");
  main.append(el("h1", {}, doc.info.title + " ", el("small", {}, doc.info.version)), md(doc.info.description));
  nav.append(el("a", { href: "#" }, el("strong", {}, doc.info.title)));

  const byTag = new Map((doc.tags || []).map((t) => [t.name, []]));
  for (const [path, item] of Object.entries(doc.paths || {}))
    for (const method of ["get", "post", "put", "patch", "delete"])
      if (item[method]) {
        const tag = (item[method].tags || ["Other"])[0];
        if (!byTag.has(tag)) byTag.set(tag, []);
        byTag.get(tag).push([path, method, item[method]]);
      }
  const tagInfo = new Map((doc.tags || []).map((t) => [t.name, t]));
  for (const [tag, ops] of byTag) {
    if (!ops.length) continue;
    nav.append(el("h2", {}, tag));
    main.append(el("h1", { id: "tag-" + anchor(tag) }, tag));
    if (tagInfo.get(tag) && tagInfo.get(tag).description) main.append(md(tagInfo.get(tag).description));
    for (const [path, method, op] of ops) {
      nav.append(el("a", { href: "#op-" + (op.operationId || anchor(method + path)) }, method.toUpperCase() + " " + path.replace("/api/auth", "")));
      main.append(operation(path, method, op));
    }
  }

  const schemes = (doc.components && doc.components.securitySchemes) || {};
  nav.append(el("h2", {}, "Reference"), el("a", { href: "#auth" }, "Authentication"), el("a", { href: "#schemas" }, "Schemas"));
  main.append(el("h1", { id: "auth" }, "Authentication"));
  const auth = el("table", {}, el("tr", {}, el("th", {}, "Name"), el("th", {}, "Kind"), el("th", {}, "Description")));
  for (const [name, s] of Object.entries(schemes))
    auth.append(el("tr", {}, el("td", {}, el("code", {}, name)),
      el("td", {}, s.type === "http" ? "HTTP " + s.scheme : s.in + " " + s.name), el("td", {}, md(s.description || ""))));
  main.append(auth, el("h1", { id: "schemas" }, "Schemas"));
  for (const [name, s] of Object.entries(schemas)) {
    main.append(el("section", { class: "op", id: "schema-" + anchor(name) },
      el("h2", {}, name, " ", el("span", { class: "type" }, typeText(s))),
      s.description ? md(s.description) : null,
      schemaTree(s, 0),
      s.example !== undefined ? example("Example", s.example) : null));
  }
  // The page is built after load, so follow a #fragment by hand.
  if (location.hash) {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView();
  }
})();

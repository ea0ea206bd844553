// The Espruino rule, checked without Espruino: code that runs must not use a
// function or variable declared further down its scope. Espruino hoists
// neither, so `exports.f = f; function f() {}` or a call above its callee
// fails there while every other engine runs it. Used by the core build (it
// refuses to write such output) and by test/portable-core.test.ts.
import ts from "typescript";

const isFunctionLike = (n) => ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n);

/** A function expression called where it stands: `(function () { ... })()` or `(function () { ... }())`. */
function invokedFunction(node) {
  let callee = node.expression;
  while (ts.isParenthesizedExpression(callee)) callee = callee.expression;
  return ts.isFunctionExpression(callee) || ts.isArrowFunction(callee) ? callee : null;
}

/** Returns one line per use of a name above its declaration, in every scope of `text`. */
export function findUseBeforeDeclaration(text, fileName = "input.js") {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES5, true);
  const problems = [];
  const lineOf = (node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

  const checkScope = (statements) => {
    // Declarations of this scope: name -> { index, runs } where `runs` is the
    // code that executes when the name is called or constructed.
    const declared = new Map();
    statements.forEach((statement, index) => {
      if (ts.isFunctionDeclaration(statement) && statement.name) {
        declared.set(statement.name.text, { index, runs: statement });
      } else if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations) {
          if (!ts.isIdentifier(d.name)) continue;
          let runs = null;
          let init = d.initializer;
          while (init && ts.isParenthesizedExpression(init)) init = init.expression;
          if (init && (ts.isFunctionExpression(init) || ts.isArrowFunction(init))) runs = init;
          // A class compiled to ES5: `var C = (function () { function C() {...} ... return C; }())`.
          if (init && ts.isCallExpression(init) && invokedFunction(init)) {
            const body = invokedFunction(init).body;
            const ctor = ts.isBlock(body) && body.statements.find((s) => ts.isFunctionDeclaration(s) && s.name && s.name.text === d.name.text);
            runs = ctor || null;
          }
          declared.set(d.name.text, { index, runs });
        }
      }
    });

    statements.forEach((statement, index) => {
      if (ts.isFunctionDeclaration(statement)) return; // runs only when called
      const seen = new Set();
      // `shadowed`: names the function being walked declares itself.
      const walk = (node, via, shadowed) => {
        if (!node) return;
        if (ts.isCallExpression(node) && invokedFunction(node)) {
          const fn = invokedFunction(node);
          const inner = new Set([...shadowed, ...localNames(fn)]);
          ts.forEachChild(fn.body, (c) => walk(c, via, inner));
          node.arguments.forEach((a) => walk(a, via, shadowed));
          return;
        }
        if (isFunctionLike(node)) return; // a body that runs later, if ever
        if (ts.isIdentifier(node) && !isNameOnly(node) && !shadowed.has(node.text)) {
          const d = declared.get(node.text);
          if (d) {
            if (d.index > index) problems.push(`line ${lineOf(statement)}: '${node.text}' is used${via ? ` (through ${via})` : ""} before its declaration at line ${lineOf(statements[d.index])}`);
            const called = (ts.isCallExpression(node.parent) || ts.isNewExpression(node.parent)) && node.parent.expression === node;
            if (called && d.runs && d.runs.body && !seen.has(node.text)) {
              seen.add(node.text);
              const locals = new Set(localNames(d.runs));
              ts.forEachChild(d.runs.body, (c) => walk(c, via ? `${via} -> ${node.text}` : node.text, locals));
            }
          }
        }
        ts.forEachChild(node, (c) => walk(c, via, shadowed));
      };
      walk(statement, "", new Set());
    });
  };

  const visitScopes = (node) => {
    if (ts.isSourceFile(node)) checkScope(node.statements);
    else if (isFunctionLike(node) && node.body && ts.isBlock(node.body)) checkScope(node.body.statements);
    ts.forEachChild(node, visitScopes);
  };
  visitScopes(source);
  return problems;
}

/** Parameters, `var`s and functions a function declares in its own body. */
function localNames(fn) {
  const names = [];
  for (const p of fn.parameters) if (ts.isIdentifier(p.name)) names.push(p.name.text);
  const visit = (node) => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) names.push(node.name.text);
    if (ts.isFunctionDeclaration(node) && node.name) { names.push(node.name.text); return; }
    if (isFunctionLike(node)) return;
    ts.forEachChild(node, visit);
  };
  if (fn.body) ts.forEachChild(fn.body, visit);
  return names;
}

/** Identifiers that name a property or a declaration rather than use a binding. */
export function isNameOnly(node) {
  const p = node.parent;
  if (!p) return true;
  if (ts.isPropertyAccessExpression(p) && p.name === node) return true;
  if (ts.isPropertyAssignment(p) && p.name === node) return true;
  if ((ts.isVariableDeclaration(p) || ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isParameter(p)) && p.name === node) return true;
  return false;
}

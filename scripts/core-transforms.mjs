// TypeScript transformers the core build applies to its JS output.
import ts from "typescript";
import { isNameOnly } from "./declaration-order.mjs";

// AssemblyScript's portable conversions, as the expressions they stand for.
// Written inline rather than called: an interpreter (Espruino) pays for every
// call, and these run in every inner loop of the core.
const CONVERSIONS = {
  i8: (f, x) => f.createBinaryExpression(f.createBinaryExpression(x, ts.SyntaxKind.LessThanLessThanToken, f.createNumericLiteral(24)), ts.SyntaxKind.GreaterThanGreaterThanToken, f.createNumericLiteral(24)),
  i16: (f, x) => f.createBinaryExpression(f.createBinaryExpression(x, ts.SyntaxKind.LessThanLessThanToken, f.createNumericLiteral(16)), ts.SyntaxKind.GreaterThanGreaterThanToken, f.createNumericLiteral(16)),
  i32: (f, x) => f.createBinaryExpression(x, ts.SyntaxKind.BarToken, f.createNumericLiteral(0)),
  u8: (f, x) => f.createBinaryExpression(x, ts.SyntaxKind.AmpersandToken, f.createNumericLiteral(255)),
  u16: (f, x) => f.createBinaryExpression(x, ts.SyntaxKind.AmpersandToken, f.createNumericLiteral(65535)),
  u32: (f, x) => f.createBinaryExpression(x, ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken, f.createNumericLiteral(0)),
  bool: (f, x) => f.createPrefixUnaryExpression(ts.SyntaxKind.ExclamationToken, f.createPrefixUnaryExpression(ts.SyntaxKind.ExclamationToken, x)),
  f64: (f, x) => f.createPrefixUnaryExpression(ts.SyntaxKind.PlusToken, x),
  unchecked: (_f, x) => x,
};

/** `u32(x)` becomes `(x >>> 0)`, and so on; any other use of those names is an error. */
export function inlineConversions(context) {
  const f = context.factory;
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && Object.hasOwn(CONVERSIONS, node.expression.text)) {
      if (node.arguments.length !== 1) throw new Error(`core build: ${node.expression.text}() takes one argument`);
      const inner = ts.visitNode(node.arguments[0], visit);
      return f.createParenthesizedExpression(CONVERSIONS[node.expression.text](f, f.createParenthesizedExpression(inner)));
    }
    if (ts.isIdentifier(node) && Object.hasOwn(CONVERSIONS, node.text) && !isNameOnly(node)) {
      throw new Error(`core build: '${node.text}' used other than as a conversion call`);
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (sourceFile) => ts.visitNode(sourceFile, visit);
}

/**
 * Moves every function declaration to the top of its block. JavaScript hoists
 * them anyway, so the meaning is unchanged; Espruino does not hoist, so
 * without this a call or `exports.f = f` above `function f` fails there.
 */
export function declareFunctionsFirst(context) {
  const visit = (node) => {
    node = ts.visitEachChild(node, visit, context);
    if (ts.isBlock(node) || ts.isSourceFile(node)) {
      const functions = node.statements.filter(ts.isFunctionDeclaration);
      if (functions.length === 0) return node;
      const rest = node.statements.filter((s) => !ts.isFunctionDeclaration(s));
      // "use strict" and friends stay first.
      const prologue = [];
      while (rest.length && ts.isExpressionStatement(rest[0]) && ts.isStringLiteral(rest[0].expression)) prologue.push(rest.shift());
      const statements = [...prologue, ...functions, ...rest];
      return ts.isBlock(node) ? context.factory.updateBlock(node, statements) : context.factory.updateSourceFile(node, statements);
    }
    return node;
  };
  return (sourceFile) => ts.visitNode(sourceFile, visit);
}

/** The value of a constant expression of numbers, or undefined. */
function constantValue(node, known) {
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isParenthesizedExpression(node)) return constantValue(node.expression, known);
  if (ts.isIdentifier(node)) return known.get(node.text);
  if (ts.isPrefixUnaryExpression(node)) {
    const v = constantValue(node.operand, known);
    if (v === undefined) return undefined;
    if (node.operator === ts.SyntaxKind.MinusToken) return -v;
    if (node.operator === ts.SyntaxKind.TildeToken) return ~v;
    if (node.operator === ts.SyntaxKind.PlusToken) return v;
    return undefined;
  }
  if (ts.isBinaryExpression(node)) {
    const a = constantValue(node.left, known);
    const b = constantValue(node.right, known);
    if (a === undefined || b === undefined) return undefined;
    switch (node.operatorToken.kind) {
      case ts.SyntaxKind.PlusToken: return a + b;
      case ts.SyntaxKind.MinusToken: return a - b;
      case ts.SyntaxKind.AsteriskToken: return a * b;
      case ts.SyntaxKind.LessThanLessThanToken: return a << b;
      case ts.SyntaxKind.GreaterThanGreaterThanToken: return a >> b;
      case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken: return a >>> b;
      case ts.SyntaxKind.AmpersandToken: return a & b;
      case ts.SyntaxKind.BarToken: return a | b;
      case ts.SyntaxKind.CaretToken: return a ^ b;
      default: return undefined;
    }
  }
  return undefined;
}

/**
 * Replaces the factory's numeric `const`s (status codes, states, sizes) by
 * their values. On Espruino every named value is a variable kept in RAM for
 * the life of the core; a literal in code stays in flash with the code.
 * Names the factory returns, and names some function re-declares locally,
 * are left alone.
 */
export function inlineConstants(context) {
  const f = context.factory;
  return (sourceFile) => {
    const factory = sourceFile.statements.find(ts.isFunctionDeclaration);
    if (!factory || !factory.body) return sourceFile;
    const returned = new Set();
    const last = factory.body.statements[factory.body.statements.length - 1];
    if (last && ts.isReturnStatement(last) && last.expression && ts.isObjectLiteralExpression(last.expression)) {
      for (const p of last.expression.properties) if (p.name && ts.isIdentifier(p.name)) returned.add(p.name.text);
    }
    const redeclared = new Set();
    const collectLocals = (node) => {
      if ((ts.isVariableDeclaration(node) || ts.isParameter(node)) && ts.isIdentifier(node.name) && node.parent && !(ts.isVariableDeclarationList(node.parent) && node.parent.parent && node.parent.parent.parent === factory.body)) redeclared.add(node.name.text);
      ts.forEachChild(node, collectLocals);
    };
    ts.forEachChild(factory.body, collectLocals);
    const known = new Map();
    for (const s of factory.body.statements) {
      if (!ts.isVariableStatement(s) || !(s.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const d of s.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer || returned.has(d.name.text) || redeclared.has(d.name.text)) continue;
        const v = constantValue(d.initializer, known);
        if (v !== undefined && Number.isFinite(v)) known.set(d.name.text, v);
      }
    }
    const literal = (v) => (v < 0 || Object.is(v, -0) ? f.createParenthesizedExpression(f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createNumericLiteral(-v))) : f.createNumericLiteral(v));
    const visit = (node) => {
      if (ts.isVariableStatement(node) && node.parent === factory.body) {
        const keep = node.declarationList.declarations.filter((d) => !(ts.isIdentifier(d.name) && known.has(d.name.text)));
        if (keep.length === 0) return undefined;
        if (keep.length !== node.declarationList.declarations.length) {
          node = f.updateVariableStatement(node, node.modifiers, f.updateVariableDeclarationList(node.declarationList, keep));
        }
      }
      if (ts.isIdentifier(node) && known.has(node.text)) {
        if (!isNameOnly(node)) return literal(known.get(node.text));
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(sourceFile, visit);
  };
}

/**
 * Declares every `var` of a function at the top of its body and turns the
 * original declarations into plain assignments. JavaScript hoists `var`s, so
 * the meaning is unchanged; Espruino does not: an assignment above its `var`
 * (which minifiers produce when they fold a declaration into an expression)
 * would write a global there.
 */
export function declareVarsFirst(context) {
  const f = context.factory;
  const isFunctionWithBody = (n) => (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n)) && n.body;
  const rewriteFunction = (fn) => {
    const params = new Set(fn.parameters.map((p) => p.name.text));
    const names = [];
    const toAssignments = (list) => {
      const parts = [];
      for (const d of list.declarations) {
        if (!names.includes(d.name.text) && !params.has(d.name.text)) names.push(d.name.text);
        if (d.initializer) parts.push(f.createAssignment(f.createIdentifier(d.name.text), d.initializer));
      }
      return parts;
    };
    const visit = (node) => {
      if (node !== fn && isFunctionWithBody(node)) return rewriteFunction(node);
      if (ts.isVariableStatement(node)) {
        const parts = toAssignments(ts.visitEachChild(node, visit, context).declarationList);
        if (parts.length === 0) return f.createEmptyStatement();
        return f.createExpressionStatement(parts.reduce((a, b) => f.createComma(a, b)));
      }
      if ((ts.isForStatement(node) || ts.isForInStatement(node)) && node.initializer && ts.isVariableDeclarationList(node.initializer)) {
        node = ts.visitEachChild(node, visit, context);
        const list = node.initializer;
        if (ts.isForInStatement(node)) {
          toAssignments(list);
          return f.updateForInStatement(node, f.createIdentifier(list.declarations[0].name.text), node.expression, node.statement);
        }
        const parts = toAssignments(list);
        return f.updateForStatement(node, parts.length ? parts.reduce((a, b) => f.createComma(a, b)) : undefined, node.condition, node.incrementor, node.statement);
      }
      return ts.visitEachChild(node, visit, context);
    };
    const body = ts.visitEachChild(fn.body, visit, context);
    if (names.length === 0) return updateBody(fn, body);
    const declaration = f.createVariableStatement(undefined, f.createVariableDeclarationList(names.map((n) => f.createVariableDeclaration(n))));
    return updateBody(fn, f.updateBlock(body, [declaration, ...body.statements.filter((s) => !ts.isEmptyStatement(s))]));
  };
  const updateBody = (fn, body) => ts.isFunctionDeclaration(fn)
    ? f.updateFunctionDeclaration(fn, fn.modifiers, fn.asteriskToken, fn.name, fn.typeParameters, fn.parameters, fn.type, body)
    : f.updateFunctionExpression(fn, fn.modifiers, fn.asteriskToken, fn.name, fn.typeParameters, fn.parameters, fn.type, body);
  const visitTop = (node) => (isFunctionWithBody(node) ? rewriteFunction(node) : ts.visitEachChild(node, visitTop, context));
  return (sourceFile) => ts.visitNode(sourceFile, visitTop);
}

/**
 * Field elements (crypto/fe25519.ts `class Fe`, fifteen i32 limbs l0..l14;
 * crypto/p256-field.ts `class P256Fe`, sixteen limbs l0..l15) become
 * Int32Arrays in the JS builds: `new Fe()` -> `new Int32Array(15)`,
 * `x.l7` -> `x[7]`. An object with fifteen named properties costs about 17
 * variables on Espruino and a property lookup scans the names; a typed array
 * costs about 5 and indexes directly. The limbs are i32 in the source, so an
 * Int32Array holds exactly what WASM holds.
 */
export function fieldElementsAsInt32Arrays(context) {
  const f = context.factory;
  const sizes = { Fe: 15, P256Fe: 16 };
  const limb = /^l(\d|1[0-5])$/;
  const visit = (node) => {
    if (ts.isClassDeclaration(node) && node.name && Object.hasOwn(sizes, node.name.text)) return undefined;
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && Object.hasOwn(sizes, node.expression.text)) {
      return f.createNewExpression(f.createIdentifier("Int32Array"), undefined, [f.createNumericLiteral(sizes[node.expression.text])]);
    }
    if (ts.isIdentifier(node) && Object.hasOwn(sizes, node.text) && !isNameOnly(node)) {
      throw new Error(`core build: ${node.text} used other than in \`new ${node.text}()\``);
    }
    if (ts.isPropertyAccessExpression(node) && limb.test(node.name.text)) {
      return f.createElementAccessExpression(ts.visitNode(node.expression, visit), f.createNumericLiteral(Number(node.name.text.slice(1))));
    }
    return ts.visitEachChild(node, visit, context);
  };
  return (sourceFile) => ts.visitNode(sourceFile, visit);
}

/**
 * `sourceFile` with its `factory` (the role's wrapper function, the file's
 * first function declaration) given the body `statements`: how the
 * transforms below put their helpers first in the factory.
 */
function withFactoryBody(f, sourceFile, factory, statements) {
  const updated = f.updateFunctionDeclaration(factory, factory.modifiers, factory.asteriskToken, factory.name, factory.typeParameters, factory.parameters, factory.type,
    f.updateBlock(factory.body, statements));
  return f.updateSourceFile(sourceFile, sourceFile.statements.map((s) => (s === factory ? updated : s)));
}

/**
 * In the ES5 build, the field elements share buffers: `new Fe()` ->
 * `__newLimbs(15)` (`new P256Fe()` -> `__newLimbs(16)`), a view of 15 limbs
 * in a pooled buffer of LIMB_POOL limbs, the next pool made when one is full.
 * On Espruino an Int32Array of its own costs about 6 variables (the view,
 * its ArrayBuffer and a string of 60 bytes with a header); a view into a
 * shared buffer costs 1 and its 60 bytes, about 3.2 in all. The Ed25519
 * verifier holds 48 field elements. A pool is filled once and never given
 * back, so field elements must be made once: at module level or by the
 * constructor of a module-level object (crypto/fe25519.ts, edpoint.ts,
 * ed25519.ts, x25519.ts, p256-*.ts). One made inside a function or method
 * would take a new slice at every call: the build refuses it. Run before
 * fieldElementsAsInt32Arrays.
 */
export const LIMB_POOL = 120;
export function poolFieldElements(context) {
  const f = context.factory;
  const sizes = { Fe: 15, P256Fe: 16 };
  return (sourceFile) => {
    const factory = sourceFile.statements.find(ts.isFunctionDeclaration);
    if (!factory || !factory.body) return sourceFile;
    let used = false;
    // Holders: classes whose constructors or field initializers make field
    // elements, or objects of other holders (found until no more appear).
    const holders = new Set();
    const classes = [];
    const findClasses = (node) => {
      if (ts.isClassLike(node) && node.name) classes.push(node);
      ts.forEachChild(node, findClasses);
    };
    findClasses(factory);
    const makesHeld = (n) => (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && (Object.hasOwn(sizes, n.expression.text) || holders.has(n.expression.text))) || ts.forEachChild(n, makesHeld);
    for (let grew = true; grew;) {
      grew = false;
      for (const c of classes) {
        if (holders.has(c.name.text)) continue;
        if (c.members.some((m) => (ts.isConstructorDeclaration(m) || ts.isPropertyDeclaration(m)) && makesHeld(m))) {
          holders.add(c.name.text);
          grew = true;
        }
      }
    }
    // Made once: the nearest function around `node` is the factory itself
    // (module level), or the constructor or a field of a holder class, and
    // every holder is itself only made once.
    const madeOnce = (node) => {
      for (let up = node.parent; up; up = up.parent) {
        if (up === factory) return true;
        if ((ts.isPropertyDeclaration(up) || ts.isConstructorDeclaration(up)) && ts.isClassLike(up.parent) && up.parent.name && holders.has(up.parent.name.text)) return true;
        if (ts.isFunctionLike(up)) return false;
      }
      return false;
    };
    const check = (node) => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && (Object.hasOwn(sizes, node.expression.text) || holders.has(node.expression.text)) && !madeOnce(node)) {
        throw new Error(`poolFieldElements: \`${node.getText().slice(0, 60)}\` inside a function; field elements (and objects holding them) are made once, at module level`);
      }
      ts.forEachChild(node, check);
    };
    check(factory);
    const visit = (node) => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && Object.hasOwn(sizes, node.expression.text)) {
        used = true;
        return f.createCallExpression(f.createIdentifier("__newLimbs"), undefined, [f.createNumericLiteral(sizes[node.expression.text])]);
      }
      return ts.visitEachChild(node, visit, context);
    };
    const visited = ts.visitNode(sourceFile, visit);
    if (!used) return visited;
    const pooled = visited.statements.find(ts.isFunctionDeclaration);
    const helper = ts.createSourceFile("helper.js", `var __limbPool = null, __limbPoolUsed = 0;
function __newLimbs(count) {
  if (__limbPool === null || __limbPoolUsed + count > ${LIMB_POOL}) {
    __limbPool = new Int32Array(${LIMB_POOL});
    __limbPoolUsed = 0;
  }
  var limbs = new Int32Array(__limbPool.buffer, __limbPoolUsed * 4, count);
  __limbPoolUsed += count;
  return limbs;
}`, ts.ScriptTarget.ES2017).statements;
    return withFactoryBody(f, visited, pooled, [...helper, ...pooled.body.statements]);
  };
}

/**
 * The factory's module-level byte buffers (`const b = new Uint8Array(32)`,
 * `Int8Array` likewise, at most POOLED_BYTES_MAX bytes each) become views
 * into shared ArrayBuffers made first, each at its own offset: on Espruino a
 * 32-byte Uint8Array of its own costs about 5 variables (view, buffer, and a
 * string with a header), a view into a shared buffer about 2. Sizes are
 * literals, so the buffers are exactly their sums and no view overlaps
 * another. A shared buffer holds at most POOL_BYTES (Espruino wants a
 * buffer in one run of blocks, and the update module loads while the
 * application has the heap fragmented: no larger than the 1 KiB exchange
 * buffer). Kept out, with buffers of their own: larger ones, those made at
 * run time, and any buffer a function returns (the boot role's exchange
 * buffer, `ioBuffer()`: a host may hand `io.buffer` to a native call, and must
 * not find the core's other state behind it). Espruino cannot start a view
 * more than 65535 bytes into a buffer; pools are far smaller.
 */
export const POOLED_BYTES_MAX = 512;
export const POOL_BYTES = 1024;
// A size written as a number, or as sums and products of numbers (what
// inlineConstants leaves of `2 * ED_HALF_DIGITS`); undefined otherwise.
function constantSize(e) {
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isParenthesizedExpression(e)) return constantSize(e.expression);
  if (!ts.isBinaryExpression(e)) return undefined;
  const left = constantSize(e.left);
  const right = constantSize(e.right);
  if (left === undefined || right === undefined) return undefined;
  if (e.operatorToken.kind === ts.SyntaxKind.AsteriskToken) return left * right;
  if (e.operatorToken.kind === ts.SyntaxKind.PlusToken) return left + right;
  return undefined;
}
export function poolModuleBytes(context) {
  const f = context.factory;
  const kinds = new Set(["Uint8Array", "Int8Array"]);
  return (sourceFile) => {
    const factory = sourceFile.statements.find(ts.isFunctionDeclaration);
    if (!factory || !factory.body) return sourceFile;
    const returned = new Set();
    const findReturns = (node) => {
      if (ts.isReturnStatement(node) && node.expression && ts.isIdentifier(node.expression)) returned.add(node.expression.text);
      ts.forEachChild(node, findReturns);
    };
    findReturns(factory.body);
    const pools = [];
    const statements = factory.body.statements.map((s) => {
      if (!ts.isVariableStatement(s)) return s;
      let changed = false;
      const declarations = s.declarationList.declarations.map((d) => {
        const init = d.initializer;
        if (!init || !ts.isNewExpression(init) || !ts.isIdentifier(init.expression) || !kinds.has(init.expression.text)) return d;
        if (!init.arguments || init.arguments.length !== 1) return d;
        if (!ts.isIdentifier(d.name) || returned.has(d.name.text)) return d;
        const size = constantSize(init.arguments[0]);
        if (size === undefined || !Number.isInteger(size) || size <= 0 || size > POOLED_BYTES_MAX) return d;
        if (pools.length === 0 || pools[pools.length - 1] + size > POOL_BYTES) pools.push(0);
        const at = pools[pools.length - 1];
        pools[pools.length - 1] += size;
        const view = f.createNewExpression(f.createIdentifier(init.expression.text), undefined,
          [f.createIdentifier(`__moduleBytes${pools.length - 1}`), f.createNumericLiteral(at), f.createNumericLiteral(size)]);
        changed = true;
        return f.updateVariableDeclaration(d, d.name, d.exclamationToken, d.type, view);
      });
      return changed ? f.updateVariableStatement(s, s.modifiers, f.updateVariableDeclarationList(s.declarationList, declarations)) : s;
    });
    if (pools.length === 0) return sourceFile;
    const made = ts.createSourceFile("pools.js", `var ${pools.map((bytes, i) => `__moduleBytes${i} = new ArrayBuffer(${bytes})`).join(", ")};`, ts.ScriptTarget.ES2017).statements[0];
    return withFactoryBody(f, sourceFile, factory, [made, ...statements]);
  };
}

/**
 * Constant tables of integers (`const T = [1, -2, ...]`, 16 entries or more)
 * become Int32Arrays decoded from a hex string at start. A JS array costs
 * about two variables per entry on Espruino (and its literal builds the whole
 * array again at start); an Int32Array packs 4 bytes per entry.
 */
export function packIntegerTables(context) {
  const f = context.factory;
  return (sourceFile) => {
    const factory = sourceFile.statements.find(ts.isFunctionDeclaration);
    if (!factory || !factory.body) return sourceFile;
    let used = false;
    const integer = (e) => {
      if (ts.isNumericLiteral(e)) return Number(e.text);
      if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) return -Number(e.operand.text);
      return undefined;
    };
    const statements = factory.body.statements.map((s) => {
      if (!ts.isVariableStatement(s)) return s;
      const declarations = s.declarationList.declarations.map((d) => {
        if (!d.initializer || !ts.isArrayLiteralExpression(d.initializer) || d.initializer.elements.length < 16) return d;
        const values = d.initializer.elements.map(integer);
        if (values.some((v) => v === undefined || !Number.isInteger(v))) return d;
        const signed = values.every((v) => v >= -2147483648 && v <= 2147483647);
        const unsigned = values.every((v) => v >= 0 && v <= 4294967295);
        if (!signed && !unsigned) return d;
        used = true;
        const hex = values.map((v) => (v >>> 0).toString(16).padStart(8, "0")).join("");
        let table = f.createCallExpression(f.createIdentifier("__int32Table"), undefined, [f.createStringLiteral(hex)]);
        // Tables with entries of 2^31 and above keep them unsigned, as the array did.
        if (!signed) table = f.createNewExpression(f.createIdentifier("Uint32Array"), undefined, [f.createPropertyAccessExpression(table, "buffer")]);
        return f.updateVariableDeclaration(d, d.name, d.exclamationToken, d.type, table);
      });
      return f.updateVariableStatement(s, s.modifiers, f.updateVariableDeclarationList(s.declarationList, declarations));
    });
    if (!used) return sourceFile;
    const helper = ts.createSourceFile("helper.js", `function __int32Table(hex) {
  var n = hex.length >> 3;
  var table = new Int32Array(n);
  for (var i = 0; i < n; i++) table[i] = parseInt(hex.substr(i * 8, 8), 16) | 0;
  return table;
}`, ts.ScriptTarget.ES2017).statements[0];
    return withFactoryBody(f, sourceFile, factory, [helper, ...statements]);
  };
}

/**
 * Whether an argument may be written into a callee's body in place of its
 * parameter, possibly more than once: a name, a number, `true`/`false`, a
 * property read of such (`p.x`), arithmetic on such (`len >>> 0`), or a
 * choice between them (`sub ? c.a : c.b`). None has an effect (the core
 * defines no getters), so reading one twice, or not at all, gives the same
 * result as reading it once.
 */
function isEffectFree(node) {
  if (ts.isParenthesizedExpression(node)) return isEffectFree(node.expression);
  // Arithmetic, bitwise and comparison operators (no assignment, no comma).
  if (ts.isBinaryExpression(node)) {
    const k = node.operatorToken.kind;
    const assigns = k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
    return !assigns && k !== ts.SyntaxKind.CommaToken && isEffectFree(node.left) && isEffectFree(node.right);
  }
  if (ts.isPrefixUnaryExpression(node)) return node.operator !== ts.SyntaxKind.PlusPlusToken && node.operator !== ts.SyntaxKind.MinusMinusToken && isEffectFree(node.operand);
  if (ts.isIdentifier(node) || ts.isNumericLiteral(node)) return true;
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isPropertyAccessExpression(node)) return ts.isIdentifier(node.name) && isEffectFree(node.expression);
  if (ts.isConditionalExpression(node)) return isEffectFree(node.condition) && isEffectFree(node.whenTrue) && isEffectFree(node.whenFalse);
  return false;
}

/** `expression` with each parameter named in `args` replaced by its argument (parenthesized unless a name or number). */
function substituteArguments(context, expression, args) {
  const f = context.factory;
  const put = (node) => {
    if (ts.isIdentifier(node) && args.has(node.text) && !isNameOnly(node)) {
      const a = args.get(node.text);
      if (ts.isIdentifier(a)) return f.createIdentifier(a.text);
      if (ts.isNumericLiteral(a)) return f.createNumericLiteral(a.text);
      return f.createParenthesizedExpression(a);
    }
    return ts.visitEachChild(node, put, context);
  };
  return ts.visitNode(expression, put);
}

/**
 * The one inliner behind inlineHostOrCore and inlineHostCalls: `pick(name,
 * params, expression)` is asked about each function declared at the
 * factory's top level whose body is a single return, and says whether calls
 * of it are to be inlined; every such call whose arguments are all
 * effect-free becomes `(expression)` with the arguments put in.
 */
function inlineSingleExpressionCalls(context, pick) {
  const f = context.factory;
  return (sourceFile) => {
    const factory = sourceFile.statements.find(ts.isFunctionDeclaration);
    if (!factory || !factory.body) return sourceFile;
    const picked = new Map();
    for (const s of factory.body.statements) {
      if (!ts.isFunctionDeclaration(s) || !s.name || !s.body || s.body.statements.length !== 1) continue;
      const only = s.body.statements[0];
      if (!ts.isReturnStatement(only) || !only.expression) continue;
      const params = s.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : null));
      if (params.includes(null)) continue;
      if (pick(s.name.text, params, only.expression)) picked.set(s.name.text, { params, expression: only.expression });
    }
    const visit = (node) => {
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && picked.has(node.expression.text)) {
        const { params, expression } = picked.get(node.expression.text);
        if (node.arguments.length === params.length && node.arguments.every(isEffectFree)) {
          const args = new Map(params.map((p, i) => [p, node.arguments[i]]));
          return f.createParenthesizedExpression(substituteArguments(context, expression, args));
        }
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(sourceFile, visit);
  };
}

/**
 * Calls of the core's "host, else the core" functions (`function f(params)
 * { return hostX(...) || coreY(...); }` at the factory's top level: feMul
 * and feSqr, crypto/fe25519.ts) whose arguments are all effect-free become
 * `(hostX(...) || coreY(...))` with the arguments put in; inlineHostCalls
 * then writes the host call out. On Espruino a call from code kept in flash
 * is read again at every call (the function's head, its body, the skipped
 * fallback): for the Ed25519 field products that was 40 % of a multiply
 * the host does natively. The fallback stays a call: it is large and has
 * many callers.
 */
export function inlineHostOrCore(context) {
  const callTo = (node, pattern) => ts.isCallExpression(node) && ts.isIdentifier(node.expression) && pattern.test(node.expression.text);
  return inlineSingleExpressionCalls(context, (name, params, e) => {
    if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.BarBarToken) return false;
    if (!callTo(e.left, /^host[A-Z]/) || !callTo(e.right, /^[a-zA-Z_$]/)) return false;
    // The two calls' arguments are the parameters themselves.
    const direct = (call) => call.arguments.every((a) => ts.isIdentifier(a) && params.includes(a.text));
    return direct(e.left) && direct(e.right);
  });
}

/**
 * Calls of the host stand-ins (`function hostX(params) { return expr; }` at
 * the factory's top level, common/host.portable.ts) whose arguments are all
 * effect-free (isEffectFree) become `(expr)` with the arguments put in. The
 * minifier does this itself only for a stand-in with one caller, and never
 * inside a loop; a stand-in it cannot flatten it makes a function at every
 * call, which Espruino reads twice. On Espruino each call level of the core
 * is read again from flash, some 20 us for every multiply.
 * Effect-free arguments keep the evaluation the same, however often the
 * stand-in names its parameters.
 */
export function inlineHostCalls(context) {
  return inlineSingleExpressionCalls(context, (name, params, expression) => {
    if (!/^host[A-Z]/.test(name)) return false;
    // Only plain expressions: no functions (their own scopes), no
    // assignments, no shorthand properties (a name that is also a key).
    let plainExpression = true;
    const check = (node) => {
      if (ts.isFunctionLike(node) || ts.isShorthandPropertyAssignment(node)) plainExpression = false;
      if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) plainExpression = false;
      if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) plainExpression = false;
      ts.forEachChild(node, check);
    };
    check(expression);
    return plainExpression;
  });
}

/**
 * Marks the calls of the named functions with the `#__NOINLINE__` annotation, so the
 * minifier keeps those functions out of line. It writes a function called
 * once into its caller, as a function made at the call when it cannot be
 * flattened: that saves Espruino the function's few variables, but such a
 * function is read twice at every call (once to make it, once to run it).
 * For functions on a hot path, called per received chunk, the reading costs
 * more than the variables.
 */
export function keepCallsOutOfLine(names) {
  return (context) => (sourceFile) => {
    const visit = (node) => {
      const visited = ts.visitEachChild(node, visit, context);
      if (ts.isCallExpression(visited) && ts.isIdentifier(visited.expression) && names.includes(visited.expression.text)) {
        return ts.addSyntheticLeadingComment(visited, ts.SyntaxKind.MultiLineCommentTrivia, "#__NOINLINE__", false);
      }
      return visited;
    };
    return ts.visitNode(sourceFile, visit);
  };
}

/**
 * In a field or point function (named fe… or ed…) that reads the host's field
 * arithmetic (`__host.fieldMultiply`, `__host.fieldAdd`,
 * `__host.fieldSubtract`, written in by inlineHostCalls) four times or more,
 * each of those is read once into a local at the start and the local is used
 * instead: the point formulas make up to thirteen such calls, and on Espruino
 * every character of them is read again from flash at each call. The host
 * may attach or detach them during a core call (the update task detaches
 * them when the codecs load, inside receiveWrite), but not while such a
 * function runs: it calls only the arithmetic and other fe… and ed…
 * functions (checked here; a function that calls anything else is left as
 * it is). The locals are called without the driver as `this`
 * (docs/porting.md).
 *
 * Where a local is used only in the host stand-in's guarded call
 * (`L != null && L(…) == 0`, common/host.portable.ts), the guard goes: the
 * local is `__host.x || __hostDeclines`, a function that returns -1 (the
 * host's "leave it to the core"), and the call is `L(…) == 0`. Same answers,
 * a third fewer characters per field operation for Espruino to read; a core
 * with no host arithmetic makes one more (empty) call per operation.
 */
export function hoistHostArithmetic(context) {
  const f = context.factory;
  const NAMES = ["fieldMultiply", "fieldAdd", "fieldSubtract"];
  const isRead = (node) => ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "__host" && NAMES.includes(node.name.text);
  const arithmetic = (name) => /^(fe|ed)[A-Z0-9]/.test(name);
  return (sourceFile) => {
    const visitFunction = (fn) => {
      if (!fn.name || !arithmetic(fn.name.text)) return fn;
      const used = new Map();
      let callsOnlyArithmetic = true;
      const count = (node) => {
        if (node !== fn && ts.isFunctionLike(node)) return;
        if (isRead(node)) used.set(node.name.text, (used.get(node.name.text) ?? 0) + 1);
        if (ts.isCallExpression(node) && !isRead(node.expression) && !(ts.isIdentifier(node.expression) && arithmetic(node.expression.text))) callsOnlyArithmetic = false;
        ts.forEachChild(node, count);
      };
      count(fn.body);
      if (!callsOnlyArithmetic) return fn;
      const total = [...used.values()].reduce((a, b) => a + b, 0);
      if (total < 4) return fn;
      const local = (name) => "__host" + name[0].toUpperCase() + name.slice(1);
      const put = (node) => {
        if (node !== fn && ts.isFunctionLike(node)) return node;
        if (isRead(node)) return f.createIdentifier(local(node.name.text));
        return ts.visitEachChild(node, put, context);
      };
      const hoisted = ts.visitNode(fn.body, put);
      // The guarded calls `L != null && L(…) == 0` of each local, and whether that is its only use.
      const guardOf = (node) => {
        if (!ts.isBinaryExpression(node) || node.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken) return null;
        const test = node.left, call = node.right;
        if (!ts.isBinaryExpression(test) || test.operatorToken.kind !== ts.SyntaxKind.ExclamationEqualsToken) return null;
        if (!ts.isIdentifier(test.left) || test.right.kind !== ts.SyntaxKind.NullKeyword) return null;
        if (!ts.isBinaryExpression(call) || call.operatorToken.kind !== ts.SyntaxKind.EqualsEqualsToken) return null;
        if (!ts.isCallExpression(call.left) || !ts.isIdentifier(call.left.expression) || call.left.expression.text !== test.left.text) return null;
        if (!ts.isNumericLiteral(call.right) || call.right.text !== "0") return null;
        return test.left.text;
      };
      const guarded = new Map(), mentions = new Map();
      const tally = (node) => {
        const guard = guardOf(node);
        if (guard) guarded.set(guard, (guarded.get(guard) ?? 0) + 1);
        if (ts.isIdentifier(node)) mentions.set(node.text, (mentions.get(node.text) ?? 0) + 1);
        ts.forEachChild(node, tally);
      };
      tally(hoisted);
      // Each guarded call names its local twice (the test and the call).
      const unguard = new Set([...used.keys()].map(local).filter((name) => guarded.has(name) && mentions.get(name) === 2 * guarded.get(name)));
      const strip = (node) => {
        const guard = guardOf(node);
        if (guard && unguard.has(guard)) return ts.visitEachChild(node.right, strip, context);
        return ts.visitEachChild(node, strip, context);
      };
      const body = unguard.size ? ts.visitNode(hoisted, strip) : hoisted;
      if (unguard.size) declinesUsed = true;
      const hostRead = (name) => f.createPropertyAccessExpression(f.createIdentifier("__host"), name);
      const declaration = f.createVariableStatement(undefined, f.createVariableDeclarationList(
        [...used.keys()].map((name) => f.createVariableDeclaration(local(name), undefined, undefined,
          unguard.has(local(name)) ? f.createBinaryExpression(hostRead(name), ts.SyntaxKind.BarBarToken, f.createIdentifier("__hostDeclines")) : hostRead(name)))));
      return f.updateFunctionDeclaration(fn, fn.modifiers, fn.asteriskToken, fn.name, fn.typeParameters, fn.parameters, fn.type, f.updateBlock(body, [declaration, ...body.statements]));
    };
    let declinesUsed = false;
    const visit = (node) => {
      if (ts.isFunctionDeclaration(node) && node.body) {
        const inner = ts.visitEachChild(node, visit, context);
        return visitFunction(inner);
      }
      return ts.visitEachChild(node, visit, context);
    };
    const visited = ts.visitNode(sourceFile, visit);
    if (!declinesUsed) return visited;
    // `function __hostDeclines() { return -1; }` first in the factory (the role's wrapper function).
    const factory = visited.statements.find(ts.isFunctionDeclaration);
    if (!factory || !factory.body) throw new Error("hoistHostArithmetic: no factory function to hold __hostDeclines");
    const declines = f.createFunctionDeclaration(undefined, undefined, "__hostDeclines", undefined, [], undefined,
      f.createBlock([f.createReturnStatement(f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createNumericLiteral(1)))]));
    return withFactoryBody(f, visited, factory, [declines, ...factory.body.statements]);
  };
}

/**
 * JS builds: a small function at the factory's top level (a getter `return
 * ctlPrimary`, a setter `ctlPrimary = slot`, a byte read `getU32`) is written
 * into each of its callers, so that the minifier, finding it unused, drops it.
 * On Espruino a function kept in a module costs about six variables and one
 * more per parameter for as long as the module is loaded, and the roles are
 * measured against budgets in variables (docs/delta.md, "RAM on Espruino");
 * its text in flash costs nothing there. All or nothing: a function is inlined only when every
 * use of it is a call that can take its body (below), since one call left
 * keeps the function and its variables.
 *
 * What can be inlined: a body of expression statements (an `if`/`else` of
 * single expression statements among them), optionally ending with `return
 * expr`, printed in at most INLINE_BODY_MAX characters, with no function,
 * `this`, `arguments`, declaration, loop, shorthand property, class, `delete`,
 * `new.target`, tagged template or directive in it, not async or a generator,
 * not assigning a parameter and not calling itself. A body with no return is
 * taken only where its call is a statement of its own (its value unused); no
 * call under `delete` or `typeof` is taken, and no function whose name is
 * declared again anywhere in the factory.
 *
 * What a call must hold so that the inlined text means what the call meant:
 * its arguments effect-free (isEffectFree: reading one twice, or not at all,
 * is the same as reading it once) and reading no name the body assigns;
 * where the body calls or assigns into an object, arguments that are names
 * of the calling function's own locals, numbers or arithmetic on them (a
 * callee cannot change those); and no name the body reads shadowed by a
 * local of a function around the call.
 */
export const INLINE_BODY_MAX = 200;
export function inlineSmallFunctions(keepOut) {
  return (context) => (sourceFile) => {
    const f = context.factory;
    const factory = sourceFile.statements.find(ts.isFunctionDeclaration);
    if (!factory || !factory.body) return sourceFile;
    const assignmentKind = (k) => k >= ts.SyntaxKind.FirstAssignment && k <= ts.SyntaxKind.LastAssignment;
    const isUpdate = (n) => (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken);
    // One statement as an expression, or null.
    const asExpression = (s) => {
      if (ts.isBlock(s)) return s.statements.length === 1 ? asExpression(s.statements[0]) : null;
      if (ts.isExpressionStatement(s)) return s.expression;
      if (ts.isIfStatement(s)) {
        const then = asExpression(s.thenStatement);
        const otherwise = s.elseStatement ? asExpression(s.elseStatement) : f.createVoidZero();
        if (!then || !otherwise) return null;
        return f.createConditionalExpression(f.createParenthesizedExpression(s.expression), undefined, f.createParenthesizedExpression(then), undefined, f.createParenthesizedExpression(otherwise));
      }
      return null;
    };
    const printer = ts.createPrinter({ removeComments: true });
    const candidates = new Map();
    for (const s of factory.body.statements) {
      if (!ts.isFunctionDeclaration(s) || !s.name || !s.body || keepOut.includes(s.name.text) || s.asteriskToken || s.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) continue;
      const params = s.parameters.map((p) => (ts.isIdentifier(p.name) && !p.initializer && !p.dotDotDotToken ? p.name.text : null));
      if (params.includes(null) || s.body.statements.length === 0) continue;
      const statements = [...s.body.statements];
      const last = statements[statements.length - 1];
      const valued = ts.isReturnStatement(last);
      if (valued && !last.expression) continue;
      const parts = (valued ? statements.slice(0, -1) : statements).map(asExpression);
      if (parts.includes(null)) continue;
      if (valued) parts.push(last.expression);
      let ok = true, hasCall = false, intoObject = false;
      const assigned = new Set(), reads = new Set();
      // Per part: the names it assigns, the parameters it reads, and whether
      // it is `name = expression` with no other store in it (its reads all
      // come before its one store).
      const partFacts = [];
      const scan = (node, facts) => {
        if (ts.isMetaProperty(node) || ts.isTaggedTemplateExpression(node) || ts.isClassLike(node) || ts.isDeleteExpression(node) || ts.isYieldExpression(node) || ts.isAwaitExpression(node) || (ts.isExpressionStatement(node) && ts.isStringLiteral(node.expression))) ok = false;
        if (ts.isFunctionLike(node) || ts.isShorthandPropertyAssignment(node) || node.kind === ts.SyntaxKind.ThisKeyword || ts.isVariableDeclaration(node) || (ts.isReturnStatement(node) && !(valued && node === last)) || ts.isIterationStatement(node, false)) ok = false;
        if (ts.isIdentifier(node) && (node.text === "arguments" || node.text === s.name.text)) ok = false;
        if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
          // The host's driver and a typed array's own methods change no name
          // of the core; any other call may.
          const callee = node.expression;
          const harmless = ts.isCallExpression(node) && ts.isPropertyAccessExpression(callee) && ((ts.isIdentifier(callee.expression) && callee.expression.text === "__host") || ["fill", "set", "subarray"].includes(callee.name.text));
          if (harmless) intoObject = true;
          else hasCall = true;
        }
        const target = ts.isBinaryExpression(node) && assignmentKind(node.operatorToken.kind) ? node.left : isUpdate(node) ? node.operand : null;
        if (target) {
          facts.stores++;
          if (ts.isIdentifier(target)) { assigned.add(target.text); facts.assigns.add(target.text); }
          else intoObject = true;
        }
        if (ts.isIdentifier(node) && !isNameOnly(node)) {
          if (params.includes(node.text)) facts.params.add(node.text);
          else reads.add(node.text);
        }
        ts.forEachChild(node, (child) => scan(child, facts));
      };
      for (const part of s.body.statements) {
        const facts = { assigns: new Set(), params: new Set(), stores: 0, simple: false };
        const expression = ts.isExpressionStatement(part) ? part.expression : null;
        facts.simple = !!expression && ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(expression.left);
        scan(part, facts);
        // Simple only if its own store is the part's one store: `b = (b = 1, b + p)` reads p after a store to b.
        if (facts.stores !== 1) facts.simple = false;
        partFacts.push(facts);
      }
      if (!ok || params.some((p) => assigned.has(p))) continue;
      // The names a parameter's argument may not read: those assigned in a
      // part before one that reads the parameter, or in that part itself
      // unless it is a simple assignment (whose store comes after its reads).
      // The call read its arguments before any of the body ran.
      const unsafeFor = new Map(params.map((p) => [p, new Set()]));
      partFacts.forEach((assigning, j) => {
        for (const name of assigning.assigns) partFacts.forEach((reading, i) => {
          if (j > i || (i === j && assigning.simple)) return;
          for (const p of reading.params) unsafeFor.get(p).add(name);
        });
      });
      const expression = parts.length === 1 ? parts[0] : parts.reduce((a, b) => f.createComma(a, b));
      const text = printer.printNode(ts.EmitHint.Expression, expression, sourceFile);
      if (text.length > INLINE_BODY_MAX) continue;
      candidates.set(s.name.text, { declaration: s, params, expression, valued, hasCall, intoObject, unsafeFor, reads });
    }
    // The names a function declares for itself: parameters, vars, inner functions.
    const declaredIn = (fn) => {
      const names = new Set(fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : "")));
      const walk = (node) => {
        if (node !== fn && ts.isFunctionLike(node)) { if (node.name && ts.isIdentifier(node.name)) names.add(node.name.text); return; }
        if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) names.add(node.name.text);
        if (ts.isCatchClause(node) && node.variableDeclaration && ts.isIdentifier(node.variableDeclaration.name)) names.add(node.variableDeclaration.name.text);
        ts.forEachChild(node, walk);
      };
      if (fn.body) walk(fn.body);
      return names;
    };
    const scopes = new Map();
    const enclosing = (node) => {
      const chain = [];
      for (let p = node.parent; p && p !== factory; p = p.parent) if (ts.isFunctionLike(p) && p.body) {
        if (!scopes.has(p)) scopes.set(p, declaredIn(p));
        chain.push(p);
      }
      return chain;
    };
    const namesIn = (node) => {
      const names = [];
      const walk = (n) => { if (ts.isIdentifier(n) && !isNameOnly(n)) names.push(n.text); if (!ts.isPropertyAccessExpression(n)) ts.forEachChild(n, walk); else walk(n.expression); };
      walk(node);
      return names;
    };
    const hasPropertyRead = (node) => { let found = false; const walk = (n) => { if (ts.isPropertyAccessExpression(n)) found = true; ts.forEachChild(n, walk); }; walk(node); return found; };
    const takes = (candidate, call) => {
      if (call.arguments.length !== candidate.params.length) return false;
      if (!candidate.valued && !ts.isExpressionStatement(call.parent)) return false;
      const chain = enclosing(call);
      if (chain.includes(candidate.declaration)) return false;
      for (const name of candidate.reads) if (chain.some((fn) => scopes.get(fn).has(name))) return false;
      const own = chain.length ? scopes.get(chain[0]) : new Set();
      for (const [index, arg] of call.arguments.entries()) {
        if (!isEffectFree(arg)) return false;
        const names = namesIn(arg);
        const unsafe = candidate.unsafeFor.get(candidate.params[index]);
        if (names.some((n) => unsafe.has(n))) return false;
        if ((candidate.hasCall || candidate.intoObject) && hasPropertyRead(arg)) return false;
        if (candidate.hasCall && names.some((n) => !own.has(n) && n !== "undefined")) return false;
      }
      return true;
    };
    const rejected = new Set();
    const survey = (node) => {
      if (ts.isIdentifier(node) && candidates.has(node.text) && !rejected.has(node.text)) {
        const candidate = candidates.get(node.text);
        const call = node.parent;
        if (call === candidate.declaration) { /* its own name */ }
        else if (ts.isCallExpression(call) && call.expression === node && !ts.isDeleteExpression(call.parent) && !ts.isTypeOfExpression(call.parent) && takes(candidate, call)) { /* inlined below, unless another use rejects it */ }
        else if (!isNameOnly(node)) rejected.add(node.text);
      }
      ts.forEachChild(node, survey);
    };
    survey(factory.body);
    // A name declared again anywhere in the factory (a local function, a
    // parameter, a var) may mean another function at some call: kept.
    const rebound = (node) => {
      if (node !== factory.body && !(ts.isFunctionDeclaration(node) && node.parent === factory.body)) {
        const name = (ts.isFunctionLike(node) || ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isClassLike(node)) && node.name && ts.isIdentifier(node.name) ? node.name.text : null;
        if (name && candidates.has(name)) rejected.add(name);
      }
      ts.forEachChild(node, rebound);
    };
    rebound(factory.body);
    const inlined = new Set([...candidates.keys()].filter((name) => !rejected.has(name)));
    // A body that calls another inlined function waits for the next pass
    // (the build runs this transform more than once): checked at its own
    // call sites, it would carry the inner body there unchecked.
    for (const name of [...inlined]) if ([...candidates.get(name).reads].some((n) => n !== name && inlined.has(n))) inlined.delete(name);
    if (inlined.size === 0) return sourceFile;
    const visit = (node) => {
      if (ts.isFunctionDeclaration(node) && node.parent === factory.body && node.name && inlined.has(node.name.text)) return undefined;
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && inlined.has(node.expression.text)) {
        const candidate = candidates.get(node.expression.text);
        const args = new Map(candidate.params.map((p, i) => [p, ts.visitNode(node.arguments[i], visit)]));
        return f.createParenthesizedExpression(substituteArguments(context, candidate.expression, args));
      }
      return ts.visitEachChild(node, visit, context);
    };
    return ts.visitNode(sourceFile, visit);
  };
}

// Makes a role module safe to preload with Moddable's XS linker.
//
// A Moddable build runs a preloaded module's body on the build machine and
// puts what it made in flash: functions, classes, closures and objects. XS can
// still change a variable or an ordinary object from flash (it copies it to RAM
// the first time it is written: an "alias"), but a typed array made during
// preload stays read-only: an indexed assignment or set()/fill() throws a
// TypeError at run time (Moddable, "XS linker warnings"). The role modules keep
// their buffers at module level (one core per module load), so preloaded as they
// are, the first flash read into a buffer would throw on the device.
//
// This step moves the module-level code that makes or fills state into one
// function run when the factory is first called (on the device, in RAM), and
// leaves in flash what never changes after preload:
//   - function declarations and classes (compiled to ES5: `var C = function () {...}()`);
//   - variables whose initial value is a literal or a function (XS aliases them
//     when written, one pointer each);
//   - typed arrays that every function only reads (`t[i]` in a read position,
//     `t.length`), together with the module-level statements that fill them:
//     tables such as the CRC-32 nibble table stay in flash, as on a board;
//     so do packed integer tables (`__int32Table("...")`, packIntegerTables),
//     such as Ed25519's table of base-point multiples.
// Everything else (buffers, instances, statements that touch them) runs in the
// first factory call. A variable a moved `for (var i ...)` declares and a
// function uses would change meaning: the step refuses such code.
// Used by scripts/build-core.mjs for the XS role modules (build/*.js); the ES5
// builds for Espruino keep their module-level code (Espruino has no preload).
import ts from "typescript";

const TYPED_ARRAYS = new Set(["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float32Array", "Float64Array"]);
const INIT_NAME = "__slotbootPreloadInit";
const READY_NAME = "__slotbootPreloadReady";

const unwrap = (node) => {
  while (node && ts.isParenthesizedExpression(node)) node = node.expression;
  return node;
};
const isFunctionLike = (node) => ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node);

/** A value that needs no code to make: a literal, `!0`, `-1`, `void 0`, null. */
function isLiteral(node) {
  node = unwrap(node);
  if (!node) return true;
  if (ts.isNumericLiteral(node) || ts.isStringLiteral(node) || node.kind === ts.SyntaxKind.NullKeyword || node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) return true;
  if (ts.isPrefixUnaryExpression(node)) return isLiteral(node.operand);
  if (ts.isVoidExpression(node)) return isLiteral(node.expression);
  return false;
}

/** A class compiled to ES5: a function expression called at once, with no arguments. */
function isClassExpression(node) {
  node = unwrap(node);
  if (!node || !ts.isCallExpression(node) || node.arguments.length !== 0) return false;
  const callee = unwrap(node.expression);
  return ts.isFunctionExpression(callee) || ts.isArrowFunction(callee);
}

/** `new Uint8Array(...)` and the other typed-array constructors. */
function isTypedArrayAllocation(node) {
  node = unwrap(node);
  return !!node && ts.isNewExpression(node) && ts.isIdentifier(node.expression) && TYPED_ARRAYS.has(node.expression.text);
}

/** A call, with literal arguments, of a module-level function that names nothing
 *  else at module level: what packIntegerTables makes (`__int32Table("...")`, an
 *  Int32Array from a string; terser renames the helper). Made the same way at
 *  preload as at run time. */
function isPureTableCall(node, checker, source) {
  node = unwrap(node);
  if (!node || !ts.isCallExpression(node) || !ts.isIdentifier(node.expression) || !node.arguments.every(isLiteral)) return false;
  const callee = checker.getSymbolAtLocation(node.expression);
  const declaration = callee && callee.valueDeclaration;
  if (!declaration || !ts.isFunctionDeclaration(declaration) || declaration.parent !== source || !declaration.body) return false;
  let pure = true;
  const visit = (n) => {
    if (!pure) return;
    if (ts.isIdentifier(n)) {
      const symbol = checker.getSymbolAtLocation(n);
      const at = symbol && symbol.valueDeclaration;
      // Its own name too: a helper that keeps what it made (on itself) would hand the preloaded array out again.
      if (at && at.getSourceFile() === source && (at === declaration || !isInside(at, declaration))) pure = false;
    }
    ts.forEachChild(n, visit);
  };
  visit(declaration.body);
  return pure;
}

/** Is this use of a typed array a read of one element or of its length? */
function isReadOnlyUse(identifier) {
  const parent = identifier.parent;
  if (ts.isPropertyAccessExpression(parent) && parent.expression === identifier) return parent.name.text === "length";
  if (!ts.isElementAccessExpression(parent) || parent.expression !== identifier) return false;
  let outer = parent.parent;
  while (ts.isParenthesizedExpression(outer)) outer = outer.parent;
  if (ts.isBinaryExpression(outer) && unwrap(outer.left) === parent && outer.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && outer.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return false;
  if ((ts.isPrefixUnaryExpression(outer) || ts.isPostfixUnaryExpression(outer)) && (outer.operator === ts.SyntaxKind.PlusPlusToken || outer.operator === ts.SyntaxKind.MinusMinusToken)) return false;
  if (ts.isDeleteExpression(outer)) return false;
  return true;
}

/** `target.set(t.subarray(a, b), at)`: a view of `t` made only to be copied from (or `t.subarray &&`, a test). */
function isCopySource(identifier) {
  const access = identifier.parent;
  if (!ts.isPropertyAccessExpression(access) || access.expression !== identifier || access.name.text !== "subarray") return false;
  // `t.subarray && ...`: the test for an engine that has it (hoistHostArithmetic's fallback).
  if (ts.isBinaryExpression(access.parent) && access.parent.left === access && access.parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) return true;
  const view = access.parent;
  if (!ts.isCallExpression(view) || view.expression !== access) return false;
  let copy = view.parent;
  while (ts.isParenthesizedExpression(copy)) copy = copy.parent;
  return ts.isCallExpression(copy) && copy.arguments[0] === view && ts.isPropertyAccessExpression(copy.expression) && copy.expression.name.text === "set";
}

/** Parameter `index` of module-level function `declaration`, if that function only reads it (depth: calls followed). */
function parameterOnlyRead(declaration, index, checker, source, depth) {
  const parameter = declaration.parameters[index];
  if (!parameter || !ts.isIdentifier(parameter.name) || parameter.dotDotDotToken) return false;
  // `arguments` reaches the parameter under another name: taken as written.
  if (namesArguments(declaration.body)) return false;
  const symbol = checker.getSymbolAtLocation(parameter.name);
  let readOnly = true;
  const visit = (node) => {
    if (!readOnly) return;
    if (ts.isIdentifier(node) && node !== parameter.name && checker.getSymbolAtLocation(node) === symbol) {
      let outer = node.parent;
      while (ts.isParenthesizedExpression(outer)) outer = outer.parent;
      const assigned = ts.isBinaryExpression(outer) && unwrap(outer.left) === node && outer.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && outer.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
      if (assigned || !isReadOnlyReference(node, checker, source, depth + 1)) readOnly = false;
    }
    ts.forEachChild(node, visit);
  };
  if (declaration.body) visit(declaration.body);
  return readOnly;
}

/** A reference that cannot write the table: a read (isReadOnlyUse), the source of
 *  a copy, or an argument to a module-level function that only reads that parameter. */
function isReadOnlyReference(identifier, checker, source, depth) {
  if (isReadOnlyUse(identifier) || isCopySource(identifier)) return true;
  const call = identifier.parent;
  if (depth > 4 || !ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) return false;
  const index = call.arguments.indexOf(identifier);
  if (index < 0) return false;
  const callee = checker.getSymbolAtLocation(call.expression);
  const declaration = callee && callee.valueDeclaration;
  if (!declaration || !ts.isFunctionDeclaration(declaration) || declaration.parent !== source) return false;
  // A function assigned anew at run time may not be the one read here.
  if (isAssigned(callee, checker, source)) return false;
  return parameterOnlyRead(declaration, index, checker, source, depth);
}

function namesArguments(node) {
  if (!node) return false;
  if (ts.isIdentifier(node) && node.text === "arguments") return true;
  return !!ts.forEachChild(node, (child) => namesArguments(child) || undefined);
}

/** Whether the module ever assigns to `symbol` (`f = ...`, `f += ...`). */
function isAssigned(symbol, checker, source) {
  const visit = (node) => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      const left = unwrap(node.left);
      if (ts.isIdentifier(left) && checker.getSymbolAtLocation(left) === symbol) return true;
    }
    return ts.forEachChild(node, visit) || undefined;
  };
  return !!visit(source);
}

function program(text) {
  const fileName = "module.js";
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES5, true);
  const host = ts.createCompilerHost({ allowJs: true, noLib: true });
  host.getSourceFile = (name) => (name === fileName ? source : undefined);
  const built = ts.createProgram([fileName], { allowJs: true, noLib: true, noResolve: true }, host);
  return { source: built.getSourceFile(fileName), checker: built.getTypeChecker() };
}

/**
 * Rewrites a role module (CommonJS text as the ES5 build makes it, with
 * `function <factory>(host) {...}` at module level) so that its state is made
 * at the first factory call. Returns the new text and what stays in flash.
 */
export function preloadReady(text, factory) {
  const { source, checker } = program(text);
  if (source.statements.some((s) => ts.isFunctionDeclaration(s) && s.name && (s.name.text === INIT_NAME || s.name.text === READY_NAME))) {
    throw new Error(`preload step: the module already declares ${INIT_NAME}`);
  }
  // `function <factory>(host) {...}` or `exports.<factory> = function (host) {...}`.
  const factoryFunction = (statement) => {
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.name.text === factory) return statement;
    if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) return null;
    const { left, right, operatorToken } = statement.expression;
    const isExport = operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(left) && ts.isIdentifier(left.expression) && left.expression.text === "exports" && left.name.text === factory;
    return isExport && ts.isFunctionExpression(unwrap(right)) ? unwrap(right) : null;
  };
  const factoryDeclaration = source.statements.find(factoryFunction);
  if (!factoryDeclaration) throw new Error(`preload step: no function ${factory} at module level`);
  const factoryBody = factoryFunction(factoryDeclaration).body;

  // Module-level variables: symbol -> { name, declaration, statement, kind }.
  const variables = new Map();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name)) throw new Error("preload step: destructuring at module level");
      const symbol = checker.getSymbolAtLocation(declaration.name);
      const init = declaration.initializer;
      let kind = "state";
      if (isLiteral(init) || ts.isFunctionExpression(unwrap(init)) || ts.isArrowFunction(unwrap(init))) kind = "literal";
      else if (isClassExpression(init)) kind = "class";
      else if (isTypedArrayAllocation(init) || isPureTableCall(init, checker, source)) kind = "table";
      else if (ts.isIdentifier(unwrap(init))) {
        const target = checker.getSymbolAtLocation(unwrap(init));
        const targetDeclaration = target && target.valueDeclaration;
        if (targetDeclaration && ts.isFunctionDeclaration(targetDeclaration) && targetDeclaration.parent === source) kind = "literal";
      }
      variables.set(symbol, { name: declaration.name.text, declaration, statement, kind });
    }
  }

  // Every reference to a module-level variable, with whether it sits inside a function.
  const references = new Map([...variables.keys()].map((s) => [s, []]));
  const visit = (node, inFunction) => {
    if (ts.isIdentifier(node)) {
      const symbol = checker.getSymbolAtLocation(node);
      if (symbol && references.has(symbol) && variables.get(symbol).declaration.name !== node) references.get(symbol).push({ node, inFunction });
    }
    ts.forEachChild(node, (child) => visit(child, inFunction || isFunctionLike(node)));
  };
  visit(source, false);

  // A table stays in flash only if no function writes it or hands it on,
  // except as the source of a copy or to a module function that only reads it.
  for (const [symbol, variable] of variables) {
    if (variable.kind !== "table") continue;
    if (references.get(symbol).some((r) => r.inFunction && !isReadOnlyReference(r.node, checker, source, 0))) variable.kind = "state";
  }
  // Classes with static state would keep it in flash: refuse them.
  for (const variable of variables.values()) {
    if (variable.kind !== "class") continue;
    const body = unwrap(unwrap(variable.declaration.initializer).expression).body;
    const findNew = (node, inFunction) => {
      if (!inFunction && ts.isNewExpression(node)) throw new Error(`preload step: class ${variable.name} makes objects when it is defined`);
      ts.forEachChild(node, (child) => findNew(child, inFunction || isFunctionLike(node)));
    };
    body.statements.forEach((s) => findNew(s, false));
  }

  // Which module-level statements run at the first factory call: a statement
  // that makes state, and any statement that touches what runs there. A table
  // such a statement touches moves with it (filled at run time, it must be in RAM).
  const statements = source.statements.filter((s) => !ts.isFunctionDeclaration(s));
  // Only code that runs while the module loads counts: not the bodies of
  // functions, except those called where they stand (ES5 classes, tables)
  // and the module's functions that load-time code names (taken as called,
  // with everything they name in turn).
  const moduleFunctions = new Map();
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) moduleFunctions.set(checker.getSymbolAtLocation(statement.name), statement);
  }
  // The module-level variables `node` names, directly or through the module's
  // functions it names; `intoFunctions`: also inside function bodies it holds.
  const reachedFrom = new Map();
  const collect = (node, found, intoFunctions) => {
    const walk = (n) => {
      if (ts.isIdentifier(n)) {
        const symbol = checker.getSymbolAtLocation(n);
        if (symbol && variables.has(symbol)) found.add(symbol);
        else if (symbol && moduleFunctions.has(symbol)) variablesReachedFrom(symbol).forEach((v) => found.add(v));
      }
      if (!intoFunctions && isFunctionLike(n) && !isCalledAtOnce(n)) return;
      ts.forEachChild(n, walk);
    };
    walk(node);
    return found;
  };
  const variablesReachedFrom = (functionSymbol) => {
    if (reachedFrom.has(functionSymbol)) return reachedFrom.get(functionSymbol);
    const found = new Set();
    // Set before the walk: a function that names itself (or a cycle) ends here.
    reachedFrom.set(functionSymbol, found);
    return collect(moduleFunctions.get(functionSymbol).body, found, true);
  };
  const symbolsIn = (node) => collect(node, new Set(), false);
  const touches = new Map(statements.map((s) => [s, symbolsIn(s)]));
  const atRunTime = new Set();
  const stateOf = (symbol) => variables.get(symbol).kind === "state";
  for (let changed = true; changed;) {
    changed = false;
    for (const statement of statements) {
      if (atRunTime.has(statement)) continue;
      const declared = ts.isVariableStatement(statement) ? statement.declarationList.declarations.map((d) => checker.getSymbolAtLocation(d.name)) : [];
      const moves = declared.some(stateOf) || [...touches.get(statement)].some((symbol) => stateOf(symbol) && !declared.includes(symbol));
      if (!moves) continue;
      atRunTime.add(statement);
      changed = true;
      for (const symbol of touches.get(statement)) {
        const variable = variables.get(symbol);
        if (variable.kind === "table") variable.kind = "state";
      }
    }
  }

  // Print: module-level declarations stay where they are (state variables
  // without their value), moved code goes into one function, in order.
  const printed = (node) => text.slice(node.getStart(source), node.getEnd());
  const moduleLevel = [];
  const init = [];
  for (const statement of source.statements) {
    if (statement === factoryDeclaration) continue;
    if (!atRunTime.has(statement)) {
      moduleLevel.push(printed(statement));
      continue;
    }
    if (ts.isVariableStatement(statement)) {
      const names = statement.declarationList.declarations.map((d) => d.name.text);
      moduleLevel.push(`var ${names.join(", ")};`);
      for (const d of statement.declarationList.declarations) if (d.initializer) init.push(`${d.name.text} = ${printed(d.initializer)};`);
    } else {
      const { text: moved, names } = withoutVar(statement, source, text);
      if (names.length) moduleLevel.push(`var ${names.join(", ")};`);
      init.push(moved);
    }
  }
  const factoryText = printed(factoryDeclaration);
  const bodyStart = factoryBody.getStart(source) - factoryDeclaration.getStart(source) + 1;
  const newFactory = factoryText.slice(0, bodyStart) + `${INIT_NAME}();` + factoryText.slice(bodyStart);
  const output = [
    ...moduleLevel,
    `var ${READY_NAME} = false;`,
    `function ${INIT_NAME}() {\nif (${READY_NAME}) return;\n${READY_NAME} = true;\n${init.join("\n")}\n}`,
    newFactory,
  ].join("\n") + "\n";

  const inFlash = [...variables.values()].filter((v) => v.kind === "table").map((v) => v.name);
  const madeAtRunTime = [...variables.values()].filter((v) => v.kind === "state").map((v) => v.name);
  return { text: output, tablesInFlash: inFlash, madeAtFirstCall: madeAtRunTime };
}

/**
 * A module-level statement's text with its `var` declarations (outside nested
 * functions) turned into assignments, and the names they declared: moved into
 * the init function, `for (var i = 0; ...)` would otherwise make `i` local
 * there while other module-level code still uses the module's `i`.
 */
function withoutVar(statement, source, text) {
  const edits = [];
  const names = [];
  const visit = (node) => {
    if (isFunctionLike(node)) return;
    if (ts.isVariableDeclarationList(node)) {
      for (const d of node.declarations) {
        if (!ts.isIdentifier(d.name)) throw new Error("preload step: destructuring at module level");
        names.push(d.name.text);
      }
      const assignments = node.declarations.filter((d) => d.initializer).map((d) => text.slice(d.getStart(source), d.getEnd()));
      const loop = node.parent;
      const inLoopHead = (ts.isForStatement(loop) || ts.isForInStatement(loop) || ts.isForOfStatement(loop)) && loop.initializer === node;
      if (inLoopHead && !ts.isForStatement(loop)) {
        edits.push([node.getStart(source), node.getEnd(), node.declarations[0].name.text]);
      } else if (inLoopHead) {
        edits.push([node.getStart(source), node.getEnd(), assignments.join(", ")]);
      } else {
        // A variable statement: `var a = 1, b;` becomes `a = 1;`.
        const owner = node.parent;
        edits.push([owner.getStart(source), owner.getEnd(), assignments.length ? assignments.join(", ") + ";" : ";"]);
      }
      node.declarations.forEach((d) => d.initializer && visit(d.initializer));
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(statement);
  let out = text.slice(statement.getStart(source), statement.getEnd());
  const base = statement.getStart(source);
  for (const [from, to, replacement] of edits.sort((a, b) => b[0] - a[0])) {
    out = out.slice(0, from - base) + replacement + out.slice(to - base);
  }
  return { text: out, names };
}

function isCalledAtOnce(fn) {
  let node = fn;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
  return ts.isCallExpression(node.parent) && node.parent.expression === node;
}

function isInside(node, container) {
  for (let n = node; n; n = n.parent) if (n === container) return true;
  return false;
}

/**
 * What a preloaded module keeps aliasable in flash, for memory figures: its
 * module-level variables (XS keeps one RAM pointer for each and, once one is
 * written, a copy of its slot) and its class prototypes (objects: one pointer).
 */
export function preloadAliases(text) {
  const source = ts.createSourceFile("module.js", text, ts.ScriptTarget.ES2017, true);
  let variables = 0;
  let classes = 0;
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      variables++;
      if (isClassExpression(declaration.initializer)) classes++;
    }
  }
  return { variables, classes };
}

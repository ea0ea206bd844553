// Prints the straight-line p256Mul and p256Sqr of assembly/crypto/p256-field.ts
// from their column formulas (run: node scripts/gen-p256-field.mjs). Kept so
// the generated code can be reviewed against, and regenerated from, the rule:
//   column k = sum of a_i b_j with i + j = k (k = 0..30), then every column
//   k >= 16 folds down by 2^256 = 2^224 - 2^192 - 2^96 + 1 (mod p): +c_k into
//   k-2, -c_k into k-4 and k-10, +c_k into k-16, from the top down so that
//   what lands at 16..28 is folded again; then two carry passes, each folding
//   the carry out of limb 15 the same way.
const N = 16;
const lines = [];
const emit = (s) => lines.push("  " + s);

function body(square) {
  for (let i = 0; i < N; i++) emit(`const a${i}: f64 = <f64>a.l${i};`);
  if (!square) for (let i = 0; i < N; i++) emit(`const b${i}: f64 = <f64>b.l${i};`);
  else for (let i = 0; i < N - 1; i++) emit(`const d${i}: f64 = a${i} * 2.0;`);
  for (let k = 0; k <= 2 * N - 2; k++) {
    const terms = [];
    for (let i = 0; i < N; i++) {
      const j = k - i;
      if (j < 0 || j >= N) continue;
      if (!square) terms.push(`a${i} * b${j}`);
      else if (i < j) terms.push(`d${i} * a${j}`);
      else if (i === j) terms.push(`a${i} * a${i}`);
    }
    emit(`let c${k}: f64 = ${terms.join(" + ")};`);
  }
  for (let k = 2 * N - 2; k >= N; k--) {
    emit(`c${k - 2} += c${k};`);
    emit(`c${k - 4} -= c${k};`);
    emit(`c${k - 10} -= c${k};`);
    emit(`c${k - 16} += c${k};`);
  }
  emit("let q: f64 = 0.0;");
  for (let pass = 0; pass < 2; pass++) {
    for (let k = 0; k < N; k++) {
      emit(`q = Math.floor(c${k} * P256_INV_RADIX);`);
      emit(`c${k} -= q * P256_RADIX;`);
      if (k < N - 1) emit(`c${k + 1} += q;`);
    }
    emit("c14 += q;");
    emit("c12 -= q;");
    emit("c6 -= q;");
    emit("c0 += q;");
  }
  for (let k = 0; k < N; k++) emit(`o.l${k} = <i32>c${k};`);
}

lines.push("/** o = a * b mod p (limbs of o in (-2^6, 2^16 + 2^6)). */");
lines.push("export function p256Mul(o: P256Fe, a: P256Fe, b: P256Fe): void {");
body(false);
lines.push("}");
lines.push("");
lines.push("/** o = a^2 mod p, the same columns as p256Mul with each cross product counted once, doubled. */");
lines.push("export function p256Sqr(o: P256Fe, a: P256Fe): void {");
body(true);
lines.push("}");
console.log(lines.join("\n"));

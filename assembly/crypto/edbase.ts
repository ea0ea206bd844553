// The odd multiples B, 3B, 5B, 7B of the Ed25519 base point, baked as
// constants for the width-4 NAF of S in verification. (Width 5, with 8
// entries, takes about 9 additions fewer per verification, but the JS
// builds keep the table in RAM: 720 bytes more, some 27 Espruino variables
// of the signed update's 3,000.) Each entry is an affine
// cached point (y+x, y-x, 2dxy), three field elements of 15 canonical 17-bit
// limbs. test/ed25519.test.ts recomputes this table with @noble/curves.
import { feFromConstants } from "./fe25519";
import { EdAffine } from "./edpoint";

export const ED_BASE_WINDOW: i32 = 4;
export const ED_BASE_ENTRIES: i32 = 4;

const edBaseTable: i32[] = [
  // 1B
  15237, 96966, 74993, 75255, 49377, 14300, 19639, 99743, 15682, 19506, 115410, 85156, 81227, 59857, 7998,
  37182, 60320, 3649, 29602, 3051, 11914, 59004, 5114, 36746, 6708, 94305, 19700, 102273, 97428, 70644,
  43624, 50109, 17537, 120185, 44105, 73317, 92064, 71757, 82777, 58862, 34527, 46347, 127174, 121668, 113733,
  // 3B
  38704, 9847, 93226, 87524, 25784, 100164, 92688, 25604, 65895, 335, 18132, 73368, 108559, 28892, 125017,
  53861, 21118, 18426, 109260, 7079, 126766, 85327, 96887, 84950, 101648, 19580, 85072, 87485, 44090, 43748,
  55433, 100072, 107727, 17045, 89510, 69857, 20620, 39089, 62171, 41670, 23609, 39130, 76699, 79224, 92320,
  // 5B
  113459, 1106, 44817, 21570, 126672, 7738, 82211, 35098, 49132, 99885, 83706, 56699, 28192, 26506, 42263,
  120506, 119331, 24752, 61426, 29339, 35417, 83, 69546, 25760, 36444, 53052, 48764, 45493, 127903, 21801,
  33413, 49301, 63228, 104343, 122143, 16005, 14368, 23118, 114087, 99725, 67289, 54102, 46011, 127819, 69290,
  // 7B
  41919, 18983, 38708, 19811, 121869, 120220, 114900, 37608, 21550, 82196, 27796, 20430, 33737, 86857, 71791,
  8625, 87321, 117542, 63309, 107066, 39389, 32901, 29913, 6444, 75721, 96925, 64531, 58673, 60137, 30139,
  45986, 220, 56178, 89648, 125513, 14377, 3453, 124774, 30637, 56620, 42768, 5354, 41209, 121059, 125566,
];

/** n = entry i, the point (2i+1)B. */
export function edBaseLoad(n: EdAffine, i: i32): void {
  const at = i * 45;
  feFromConstants(n.ypx, edBaseTable, at);
  feFromConstants(n.ymx, edBaseTable, at + 15);
  feFromConstants(n.t2d, edBaseTable, at + 30);
}

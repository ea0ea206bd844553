import { add32 } from "../index";
describe("portable integers", () => {
  it("wraps u32 addition", () => {
    expect(add32(0xffffffff, 2)).toBe(1);
  });
});

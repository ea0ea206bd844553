import { ioBufferSize, ioBuffer } from "../index";
describe("exchange buffer", () => {
  it("has the advertised size", () => {
    expect(ioBuffer().length).toBe(ioBufferSize());
  });
});

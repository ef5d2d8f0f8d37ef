import { describe, expect, it } from "vitest";
import { redacted } from "../../../src/domain/field-error.ts";

describe("redacted", () => {
  it.each([
    ["", "<redacted, 0 chars>"],
    ["x", "<redacted, 1 char>"],
    ["I2Nsb3VkLWNvbmZpZw==", "<redacted, 20 chars>"],
    [3, "<redacted number>"],
    [true, "<redacted boolean>"],
    [null, "<redacted null>"],
    [[1, 2], "<redacted array>"],
    [{ a: 1 }, "<redacted object>"],
    [undefined, "<redacted value>"],
  ])("GIVEN %j THEN %s: the length for a string, else only the JSON type", (value, text) => {
    expect(redacted(value)).toBe(text);
  });
});

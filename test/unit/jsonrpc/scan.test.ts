/** Raw span scanning: the spans must cover exactly the text of each JSON value. */
import { describe, expect, test } from "vitest";
import {
  arrayElements,
  objectMembers,
  type Span,
  skipValue,
  skipWhitespace,
} from "../../../shared/jsonrpc/scan";

const slice = (text: string, span: Span | undefined) => (span ? text.slice(span[0], span[1]) : undefined);

describe("skipWhitespace", () => {
  test("skips spaces, tabs, carriage returns and newlines", () => {
    expect(skipWhitespace(" \t\r\n{}", 0)).toBe(4);
  });

  test("stays put on a non-whitespace character", () => {
    expect(skipWhitespace("a  ", 0)).toBe(0);
  });

  test("stops at the end of the text", () => {
    expect(skipWhitespace("x   ", 1)).toBe(4);
  });
});

describe("skipValue", () => {
  test.each([
    ["a string with an escaped quote", '"a\\"b",1', '"a\\"b"'],
    ["a string ending in an escaped backslash", '"a\\\\",1', '"a\\\\"'],
    ["a string holding brackets and braces", '"}]{[",1', '"}]{["'],
    [
      "a nested object with brackets inside strings",
      '{"a":"}]","b":[1,{"c":2}]},1',
      '{"a":"}]","b":[1,{"c":2}]}',
    ],
    ["an array of arrays", "[[1,2],[3]] ,1", "[[1,2],[3]]"],
    ["a number with sign, fraction and exponent", "-1.5e+10,1", "-1.5e+10"],
    ["an integer above 2^53", "9007199254740993}", "9007199254740993"],
    ["a literal before a closing bracket", "null]", "null"],
    ["a literal before whitespace", "true ,", "true"],
  ])("ends just past %s", (_, text, value) => {
    expect(text.slice(0, skipValue(text, 0))).toBe(value);
  });

  test("starts at the given index", () => {
    const text = '[1, "x", {"y": 2}]';
    expect(text.slice(9, skipValue(text, 9))).toBe('{"y": 2}');
  });
});

describe("objectMembers", () => {
  test("gives the raw text of each member's value", () => {
    const text = '{ "id" : 9007199254740993 , "params":[ "0x1" ,{"a":1}], "s":"a\\"b" }';
    const members = objectMembers(text, 0);
    expect([...members.keys()]).toEqual(["id", "params", "s"]);
    expect(slice(text, members.get("id"))).toBe("9007199254740993");
    expect(slice(text, members.get("params"))).toBe('[ "0x1" ,{"a":1}]');
    expect(slice(text, members.get("s"))).toBe('"a\\"b"');
  });

  test("keeps the last value of a repeated key, as JSON.parse does", () => {
    const text = '{"id":1,"id":2}';
    expect(slice(text, objectMembers(text, 0).get("id"))).toBe("2");
    expect(JSON.parse(text).id).toBe(2);
  });

  test("decodes escaped keys", () => {
    const text = '{"\\u0069d":7,"a\\"b":8}';
    const members = objectMembers(text, 0);
    expect(slice(text, members.get("id"))).toBe("7");
    expect(slice(text, members.get('a"b'))).toBe("8");
  });

  test("does not treat a key-like string inside a nested value as a member", () => {
    const text = '{"params":{"id":1},"method":"m"}';
    const members = objectMembers(text, 0);
    expect(members.has("id")).toBe(false);
    expect(slice(text, members.get("method"))).toBe('"m"');
  });

  test("finds no members in an empty object", () => {
    expect(objectMembers("{ \n }", 0).size).toBe(0);
  });

  test("reads an object that starts inside a larger text", () => {
    const text = '[{"a":1}, {"b":"x"}]';
    expect(slice(text, objectMembers(text, 10).get("b"))).toBe('"x"');
  });
});

describe("arrayElements", () => {
  test("gives the raw text of each element", () => {
    const text = '[ {"id":1} , "a,b" ,[1,2],  9007199254740993 ,null ]';
    expect(arrayElements(text, 0).map((s) => slice(text, s))).toEqual([
      '{"id":1}',
      '"a,b"',
      "[1,2]",
      "9007199254740993",
      "null",
    ]);
  });

  test("finds no elements in an empty array", () => {
    expect(arrayElements("[  ]", 0)).toEqual([]);
  });
});

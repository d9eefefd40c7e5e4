/** decodeParams and listParam: the decoded parameter set and the `Name.N` un-flattening (spec §6.4). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkParams, decodeParams, listParam, parameterLimits } from '../../src/wire/params.js';

const invalid = () => new Error('invalid list key');

describe('decodeParams', () => {
  test('empty input is no parameters', () => {
    assert.deepEqual(decodeParams(''), {});
  });

  test('percent-decodes keys and values (UTF-8)', () => {
    assert.deepEqual(decodeParams('Name=tom%20o%27neil%20%28x%29%2A&Email%41ddress=a%40b.c&Zh=%E5%BC%A0%E4%B8%89'), {
      Name: "tom o'neil (x)*",
      EmailAddress: 'a@b.c',
      Zh: '张三',
    });
  });

  test('characters Node querystring leaves unescaped on the wire arrive as themselves', () => {
    assert.equal(decodeParams("Name=tom%20o'neil%20(x)*~!").Name, "tom o'neil (x)*~!");
  });

  test("'+' in a form body is a space; %2B is a plus", () => {
    assert.deepEqual(decodeParams('Name=tom+smith&Phone=%2B86-13800000000'), { Name: 'tom smith', Phone: '+86-13800000000' });
  });

  test('a key given more than once keeps every value, joined with "," in order', () => {
    assert.deepEqual(decodeParams('MessageTypes=AccountExpenses&ContactId=c-1&MessageTypes=ServiceMessage&MessageTypes=SecurityMessage'), {
      MessageTypes: 'AccountExpenses,ServiceMessage,SecurityMessage',
      ContactId: 'c-1',
    });
  });

  test('empty values and keys without "=" are empty strings', () => {
    assert.deepEqual(decodeParams('Name=&Title'), { Name: '', Title: '' });
  });

  test('keys that look like Object.prototype members are plain parameters', () => {
    const params = decodeParams('__proto__=x&constructor=y&toString=z');
    assert.equal(Object.getPrototypeOf(params), Object.prototype);
    assert.equal(params.constructor, 'y');
    assert.equal(params.toString, 'z');
    assert.equal(({} as Record<string, unknown>).y, undefined, 'nothing leaked into Object.prototype');
    assert.deepEqual(listParam(params, 'constructor', invalid), ['y']);
  });

  test('malformed percent-encoding does not throw', () => {
    assert.doesNotThrow(() => decodeParams('Name=%E0%A4%A&Other=%ZZ&%=1'));
    const params = decodeParams('Name=%E0%A4%A&Other=%ZZ');
    assert.equal(typeof params.Name, 'string');
    assert.equal(params.Other, '%ZZ');
  });
});

describe('listParam', () => {
  test('Name.N keys ordered by N, not by text: 10 comes after 9', () => {
    const params: Record<string, string> = {};
    for (const n of [1, 10, 11, 2, 3, 4, 5, 6, 7, 8, 9]) params[`Members.${n}`] = `m${n}`;
    assert.deepEqual(listParam(params, 'Members', invalid), ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8', 'm9', 'm10', 'm11']);
  });

  test('the order the keys arrive in does not matter', () => {
    const params = decodeParams('MessageTypes.2=ServiceMessage&MessageTypes.1=AccountExpenses');
    assert.deepEqual(listParam(params, 'MessageTypes', invalid), ['AccountExpenses', 'ServiceMessage']);
  });

  test('gaps are tolerated', () => {
    assert.deepEqual(listParam({ 'Members.2': 'b', 'Members.5': 'e', 'Members.3': 'c' }, 'Members', invalid), ['b', 'c', 'e']);
  });

  test('keys of other names are not part of the list', () => {
    const params = { 'MessageTypes.1': 'A', 'MessageTypesX.2': 'no', 'Message.3': 'no', Other: 'no' };
    assert.deepEqual(listParam(params, 'MessageTypes', invalid), ['A']);
  });

  test('N is 1 to 100 without leading zeros; any other key under the list name is refused, never dropped', () => {
    assert.deepEqual(listParam({ 'Members.1': 'a', 'Members.100': 'z' }, 'Members', invalid), ['a', 'z']);
    for (const key of ['Members.0', 'Members.101', 'Members.1000000', 'Members.01', 'Members.x', 'Members.1.Sub', 'Members.', 'Members.-1', 'Members.1e2']) {
      assert.throws(() => listParam({ 'Members.1': 'Root', [key]: 'fd-x' }, 'Members', invalid), /invalid list key/, key);
    }
  });

  test('the plain comma form', () => {
    assert.deepEqual(listParam({ MessageTypes: 'AccountExpenses,ServiceMessage' }, 'MessageTypes', invalid), ['AccountExpenses', 'ServiceMessage']);
    assert.deepEqual(listParam({ MessageTypes: 'AccountExpenses' }, 'MessageTypes', invalid), ['AccountExpenses']);
  });

  test('duplicated keys, joined by decodeParams, come back as the list', () => {
    const params = decodeParams('MessageTypes=AccountExpenses&MessageTypes=ServiceMessage');
    assert.deepEqual(listParam(params, 'MessageTypes', invalid), ['AccountExpenses', 'ServiceMessage']);
  });

  test('Name.N wins over a plain Name', () => {
    assert.deepEqual(listParam({ MessageTypes: 'X,Y', 'MessageTypes.1': 'A' }, 'MessageTypes', invalid), ['A']);
  });

  test('absent or empty is undefined', () => {
    assert.equal(listParam({}, 'MessageTypes', invalid), undefined);
    assert.equal(listParam({ MessageTypes: '' }, 'MessageTypes', invalid), undefined);
    assert.equal(listParam({ Other: 'x' }, 'MessageTypes', invalid), undefined);
  });

  test("'+' in a form body decodes to a space inside list items", () => {
    const params = decodeParams('Members.1=a+b&Members.2=c%2Bd');
    assert.deepEqual(listParam(params, 'Members', invalid), ['a b', 'c+d']);
  });

  test('an item holding a comma in Name.N form stays one item', () => {
    assert.deepEqual(listParam(decodeParams('Members.1=a%2Cb'), 'Members', invalid), ['a,b']);
  });
});

describe('checkParams: the one rule of every parameter', () => {
  const codeOf = (params: Record<string, string>): string | undefined => {
    try {
      checkParams(params);
      return undefined;
    } catch (error) {
      return (error as { code?: string }).code;
    }
  };

  test('what the official clients send passes: letters, digits and dots in names; any text in values', () => {
    assert.equal(codeOf({ 'MessageTypes.1': 'AccountExpenses', 'Tag.1.Key': 'k', Name: "tom o'neil (x)*", Content: 'line 1\nline 2\r\n\tend', Zh: '张三' }), undefined);
  });

  test('a name that percent-encoding would change is refused (ACS3 signs names unencoded)', () => {
    for (const name of ['MessageTypes.2=FaultMessage&MessageTypes.3', 'a b', 'a%41', 'na\u0000me', 'é', 'a/b', '']) {
      assert.equal(codeOf({ [name]: 'x' }), 'InvalidParameterName', JSON.stringify(name));
    }
    assert.equal(codeOf({ ['N'.repeat(parameterLimits.nameLength)]: 'x' }), undefined);
    assert.equal(codeOf({ ['N'.repeat(parameterLimits.nameLength + 1)]: 'x' }), 'InvalidParameterName');
  });

  test('control characters in a value are refused; tab, line feed and carriage return are text', () => {
    for (const char of ['\u0000', '\u0001', '\u0008', '\u000b', '\u000c', '\u001b', '\u001f', '\u007f', '\u0085', '\u009f']) {
      assert.equal(codeOf({ Name: `a${char}b` }), 'InvalidParameterValue.ControlCharacter', JSON.stringify(char));
    }
  });

  test('a value over 8192 characters, or more than 256 parameters, is refused', () => {
    assert.equal(codeOf({ Content: 'x'.repeat(parameterLimits.valueLength) }), undefined);
    assert.equal(codeOf({ Content: 'x'.repeat(parameterLimits.valueLength + 1) }), 'InvalidParameterValue.Length');
    const many = Object.fromEntries(Array.from({ length: parameterLimits.count }, (_, i) => [`P${i}`, '']));
    assert.equal(codeOf(many), undefined);
    assert.equal(codeOf({ ...many, Extra: '' }), 'LimitExceeded.Parameters');
  });
});

import { describe, expect, it } from 'vitest';
import { operationModel, violations } from './sdk-models';

/** The model reader and checker catch what the conformance test relies on them to catch. */
const getParameter = operationModel('@aws-sdk/client-ssm', 'GetParameter');
const parameter = {
  Name: '/a',
  Type: 'String',
  Value: '1',
  Version: 1,
  LastModifiedDate: 1_700_000_000,
  ARN: 'arn:x',
  DataType: 'text',
};
const enums = { Type: ['String', 'StringList', 'SecureString'] };

describe('SDK models', () => {
  it("reads an operation's errors from the client's command types", () => {
    expect(getParameter?.errors).toEqual([
      'InternalServerError',
      'InvalidKeyId',
      'ParameterNotFound',
      'ParameterVersionNotFound',
    ]);
  });

  it.each([
    ['a valid answer', { Parameter: parameter }, []],
    [
      'an undeclared member',
      { Parameter: { ...parameter, Colour: 'red' } },
      ['answer.Parameter.Colour: not a member of Parameter'],
    ],
    [
      'a bad enum value',
      { Parameter: { ...parameter, Type: 'Secret' } },
      ['answer.Parameter.Type: "Secret" is not one of String, StringList, SecureString'],
    ],
    [
      'a date sent as text',
      { Parameter: { ...parameter, LastModifiedDate: '2026-12-02' } },
      ['answer.Parameter.LastModifiedDate: expected a number, got "2026-12-02"'],
    ],
    [
      'a list where a structure belongs',
      { Parameter: [parameter] },
      ['answer.Parameter: expected a Parameter structure'],
    ],
  ])('finds %s', (_name, answer, expected) => {
    expect(violations(answer, getParameter!.output, 'answer', enums)).toEqual(expected);
  });

  it("reads a REST operation's HTTP binding: method, path and query members", () => {
    expect(operationModel('@aws-sdk/client-application-signals', 'ListServices')?.http).toEqual({
      method: 'GET',
      path: '/services',
      query: ['StartTime', 'EndTime', 'MaxResults', 'NextToken', 'IncludeLinkedAccounts', 'AwsAccountId'],
    });
    expect(operationModel('@aws-sdk/client-application-signals', 'DeleteServiceLevelObjective')?.http).toMatchObject({
      method: 'DELETE',
      path: '/slo/{Id}',
    });
    expect(getParameter?.http).toBeUndefined();
  });

  it('finds a required member missing', () => {
    const events = operationModel('@aws-sdk/client-application-signals', 'ListEntityEvents');
    expect(violations({ StartTime: 1, ChangeEvents: [] }, events!.output, 'answer')).toEqual([
      'answer.EndTime: required, missing',
    ]);
  });
});

/**
 * The contract's scalars: what used to be plain strings says what it is. Where graphql-scalars
 * has the right one (UUID, LocalDate, DateTimeISO) it is used; money and codes are ours because
 * only their shape is checked here — whether Wise supports a currency or a country is the
 * domain's answer, given as a typed result, not a parse error.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
export { GraphQLUUID as UUIDScalar, GraphQLLocalDate as LocalDateScalar } from 'graphql-scalars';

function shapeScalar(name: string, description: string, pattern: RegExp, example: string) {
  const check = (value: unknown): string => {
    if (typeof value !== 'string' || !pattern.test(value)) throw new GraphQLError(`${name} values are strings such as "${example}"`);
    return value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize: (value) => String(value),
    parseValue: check,
    parseLiteral: (ast: ValueNode) => check(ast.kind === Kind.STRING ? ast.value : undefined),
    extensions: { codegenScalarType: 'string' },
  });
}

/** Amounts and rates as decimal strings ("1000.00", "1.20512"): never floats. */
export const DecimalScalar = shapeScalar('Decimal', 'A decimal number as a string, e.g. "1000.00" or "1.20512". Money is never a float.', /^-?\d{1,15}(\.\d{1,10})?$/, '99.95');

export const CurrencyCodeScalar = shapeScalar('CurrencyCode', 'An ISO 4217 currency code, upper case, e.g. "GBP".', /^[A-Z]{3}$/, 'GBP');

export const CountryCodeScalar = shapeScalar('CountryCode', 'An ISO 3166-1 alpha-2 country code, upper case, e.g. "GB".', /^[A-Z]{2}$/, 'GB');

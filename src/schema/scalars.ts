import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const DECIMAL = /^-?\d{1,15}(\.\d{1,10})?$/;

/** Amounts and rates as decimal strings ("1000.00", "1.20512"): never floats. */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description: 'A decimal number as a string, e.g. "1000.00" or "1.20512". Money is never a float.',
  serialize(value) {
    return String(value);
  },
  parseValue(value) {
    if (typeof value !== 'string' || !DECIMAL.test(value)) throw new GraphQLError('Decimal values are strings such as "1000" or "99.95"');
    return value;
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || !DECIMAL.test(ast.value)) throw new GraphQLError('Decimal values are strings such as "1000" or "99.95"');
    return ast.value;
  },
});
